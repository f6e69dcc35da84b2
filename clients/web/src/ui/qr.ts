/**
 * QR codes drawn here, in the page (no image service, no third-party origin): `qrcode-generator` (MIT, no
 * dependencies, bundled) makes the module matrix; we draw it as one SVG path. The safety number's QR text
 * (`SC1:<hex>:<hex>`, docs/protocol-crypto.md §6) is upper-case hex and ':', so it fits the compact
 * alphanumeric mode.
 */
import qrcode from 'qrcode-generator';

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  dark: (row: number, col: number) => boolean;
}

export function qrMatrix(text: string): QrMatrix {
  const qr = qrcode(0, 'M');
  qr.addData(text, /^[0-9A-Z $%*+\-./:]*$/.test(text) ? 'Alphanumeric' : 'Byte');
  qr.make();
  return { size: qr.getModuleCount(), dark: (r, c) => qr.isDark(r, c) };
}

/** SVG path data of the dark modules, offset by a 4-module quiet zone; the view box is size + 8 wide. */
export function qrPath(m: QrMatrix): string {
  let d = '';
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) if (m.dark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
  }
  return d;
}
