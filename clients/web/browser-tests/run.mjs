// Runs every browser-tests/*.test.mjs with node:test, one file after another (one stack, fixed ports).
// Needs the local stack with the web app at http://127.0.0.1:5173 (deploy/local/stack up) and /usr/bin/chromium.
// calls.test.mjs runs in a private network namespace (only lo; the stack's ports bridged in, netns.mjs), so
// that no ICE candidate can leave loopback: it needs `unshare --net` (root or CAP_SYS_ADMIN) and fails without.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { callTestPorts } from './netns.mjs';

const dir = new URL('./', import.meta.url).pathname;
const PRIVATE_NETWORK = new Set(['calls.test.mjs']);
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const nodeTest = (names) => [process.execPath, '--test', '--test-concurrency=1', '--test-reporter=spec', ...names.map((f) => dir + f)];

let status = 0;
const onHost = files.filter((f) => !PRIVATE_NETWORK.has(f));
const inNamespace = files.filter((f) => PRIVATE_NETWORK.has(f));
if (onHost.length) {
  const [cmd, ...args] = nodeTest(onHost);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
if (inNamespace.length) {
  const r = spawnSync(process.execPath, [dir + 'netns.mjs', '--ports', callTestPorts().join(','), '--', ...nodeTest(inNamespace)], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
