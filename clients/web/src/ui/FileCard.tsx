import { useEffect, useRef, useState } from 'react';
import type { AttachmentRef } from '../messaging/codec';
import type { Messenger } from '../messaging/messenger';
import { FileIcon } from './icons';

/** Image types the app previews (decoded by the browser's image decoder only; no SVG, which is a document). */
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp|avif)$/;

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/**
 * A received file: name and size; on click it is downloaded, checked and decrypted (streaming), then saved by the
 * browser; images are also shown. A file that fails a check of §7 is refused with the reason and nothing is saved.
 */
export function FileCard({ messenger, file }: { messenger: Messenger; file: AttachmentRef }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'busy'; pct: number } | { kind: 'done'; url: string } | { kind: 'refused'; why: string }>({ kind: 'idle' });
  const save = useRef<HTMLAnchorElement>(null);
  const autoSave = useRef(false);
  const name = file.fileName || 'file';
  useEffect(() => {
    // Saved once, right away (the click asked for it); the link stays for saving again.
    if (state.kind === 'done' && autoSave.current) { autoSave.current = false; save.current?.click(); }
    return () => { if (state.kind === 'done') URL.revokeObjectURL(state.url); };
  }, [state]);

  const open = async () => {
    setState({ kind: 'busy', pct: 0 });
    let last = -1;
    try {
      const blob = await messenger.download(file, (done, total) => {
        const pct = Math.floor((100 * done) / Math.max(1, total));
        if (pct !== last) { last = pct; setState({ kind: 'busy', pct }); }
      });
      autoSave.current = true;
      setState({ kind: 'done', url: URL.createObjectURL(blob) });
    } catch (e) {
      setState({ kind: 'refused', why: (e as Error).message });
    }
  };

  return (
    <span className="file" data-testid="file" data-file-name={name}>
      <span className="file-name"><FileIcon />{name}</span> <span className="small" data-testid="file-size">{formatSize(file.size)}</span>
      {state.kind === 'idle' && <button className="file-action" onClick={open} aria-label={`Download ${name}`}>Download</button>}
      {state.kind === 'busy' && (
        <span className="small" role="status">
          <progress value={state.pct} max={100} aria-label={`Downloading ${name}`} /> {state.pct}% · checking and decrypting
        </span>
      )}
      {state.kind === 'done' && (
        <>
          <a ref={save} href={state.url} download={name} className="file-action" data-testid="file-save">Save again</a>
          <span className="small ok-text" data-testid="file-verified">Decrypted; digest and size verified.</span>
          {PREVIEWABLE.test(file.contentType) && <img className="preview" src={state.url} alt={`Preview of ${name}`} data-testid="file-preview" />}
        </>
      )}
      {state.kind === 'refused' && <span className="error small" role="alert" data-testid="file-refused">{state.why}</span>}
    </span>
  );
}
