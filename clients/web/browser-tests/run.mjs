// Runs every browser-tests/*.test.mjs with node:test, one file after another (one stack, fixed ports).
// Needs the local stack with the web app at http://127.0.0.1:5173 (deploy/local/stack up) and /usr/bin/chromium.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const dir = new URL('./', import.meta.url).pathname;
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort().map((f) => dir + f);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
