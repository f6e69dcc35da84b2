// Prints and writes the SHA-256 manifest of the production build (issue 16 item 8): one line per file of
// dist/, sorted, "<sha256>  <path>", and the SHA-256 of the manifest itself, which the app shows in "About".
// Two builds of the same commit with the same lockfile give the same manifest.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
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
console.log(text + `build manifest sha256 ${digest} (${files.length} files, ${total} bytes)`);
