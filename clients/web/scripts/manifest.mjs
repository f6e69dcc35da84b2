// After `vite build` (issue 16 item 8): (1) Subresource Integrity — every script and stylesheet index.html
// loads gets integrity="sha384-…", so a browser refuses an asset that differs from the build; (2) the SHA-256
// manifest of dist/: one line per file, sorted, "<sha256>  <path>", and the SHA-256 of the manifest itself,
// which the app shows under Account → About. index.html is in the manifest and pins the assets by SRI, so the
// one digest covers what runs. Two builds of the same commit with the same lockfile give the same manifest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;

const indexPath = join(dist, 'index.html');
let html = readFileSync(indexPath, 'utf8');
let pinned = 0;
html = html.replace(/<(script|link)\b([^>]*?)\s(src|href)="(\/assets\/[^"]+\.(?:js|css))"([^>]*)>/g, (tag, name, before, attr, url, after) => {
  if (/\bintegrity=/.test(tag)) return tag;
  const digest = createHash('sha384').update(readFileSync(join(dist, url))).digest('base64');
  pinned += 1;
  return `<${name}${before} ${attr}="${url}" integrity="sha384-${digest}"${after}>`;
});
if (pinned === 0) throw new Error('no script or stylesheet found in dist/index.html to pin with SRI');
writeFileSync(indexPath, html);
const skip = new Set(['build-manifest.txt', 'build-manifest.json']);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (!skip.has(relative(dist, p))) files.push(relative(dist, p));
  }
})(dist);
files.sort();
const lines = files.map((f) => `${createHash('sha256').update(readFileSync(join(dist, f))).digest('hex')}  ${f}`);
const text = lines.join('\n') + '\n';
const digest = createHash('sha256').update(text).digest('hex');
writeFileSync(join(dist, 'build-manifest.txt'), text);
writeFileSync(join(dist, 'build-manifest.json'), JSON.stringify({ sha256: digest, files: files.length }) + '\n');
let total = 0;
for (const f of files) total += statSync(join(dist, f)).size;
console.log(text + `build manifest sha256 ${digest} (${files.length} files, ${total} bytes; ${pinned} assets pinned by SRI)`);
