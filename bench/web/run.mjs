// Browser benchmark of the web client (issue 16), one run, four parts (docs/benchmarks.md, "Web client"):
//   crypto       bench/web/index.html built with clients/web's Vite, opened in Debian's Chromium by playwright-core:
//                PQXDH setup and 1 KiB encrypt+decrypt with the web client's own protocol code;
//   sdk          the same operations in the Java SDK (bench/sdk's JMH SdkBenchmark), right after, as the baseline;
//   first-screen the app of the local stack (http://127.0.0.1:5173, `deploy/local/stack up`) in fresh contexts:
//                navigation start → the sign-in screen's buttons rendered and enabled (cold cache);
//   bundle       clients/web/dist after `npm run build`: every file, bytes and gzip bytes.
// Usage (repository root, after `cd clients/web && npm ci && npm run build` and
// `./mvnw -B install -DskipTests -f clients/java-sdk/pom.xml`):
//   node bench/web/run.mjs [--parts crypto,sdk,first-screen,bundle] [--loads 10]
// Prints a table and writes bench/web/target/web-benchmark.json. Not part of any build or test run.
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { join, extname } from 'node:path';
import { loadavg } from 'node:os';

const root = new URL('../../', import.meta.url).pathname;
const web = join(root, 'clients/web');
const here = join(root, 'bench/web');
const target = join(here, 'target');
const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const parts = new Set(arg('parts', 'crypto,sdk,first-screen,bundle').split(','));
const loads = Number(arg('loads', '10'));
const APP = process.env.WEB_APP_URL || 'http://127.0.0.1:5173';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const { chromium } = await import(join(web, 'node_modules/playwright-core/index.mjs'));
const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const result = { at: new Date().toISOString(), loadAverage: loadavg().map((x) => Number(x.toFixed(1))) };
mkdirSync(target, { recursive: true });

if (parts.has('crypto')) {
  const { build } = await import(join(web, 'node_modules/vite/dist/node/index.js'));
  const out = join(target, 'page');
  await build({ root: here, logLevel: 'warn', configFile: false, build: { outDir: out, emptyOutDir: true, target: 'es2022' } });
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const file = join(out, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
    if (!file.startsWith(out) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.benchResult, undefined, { timeout: 300_000, polling: 500 });
    const r = await page.evaluate(() => window.benchResult);
    if (r.error) throw new Error(`benchmark page failed: ${r.error}`);
    result.browser = r;
  } finally {
    await browser.close();
    server.close();
  }
}

if (parts.has('sdk')) {
  const jmh = arg('jmh', '-f 1 -wi 3 -w 1s -i 5 -r 1s SdkBenchmark.(pqxdhInitiate|pqxdhSetupBothSidesWithFirstMessage|encryptDecrypt1KiB)$');
  const r = spawnSync(join(root, 'mvnw'), ['-B', '-q', '-f', 'bench/sdk/pom.xml', 'compile', 'exec:exec', `-Djmh.args=${jmh}`],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (r.status !== 0) throw new Error(`bench/sdk failed (${r.status}): install the SDK first (see the usage above)`);
  // JMH's table: "SdkBenchmark.encryptDecrypt1KiB  avgt  5  29.8 ± 16.3  us/op"
  result.sdk = {};
  for (const line of readFileSync(join(root, 'bench/sdk/target/jmh-result.txt'), 'utf8').split('\n')) {
    const m = line.match(/SdkBenchmark\.(\w+)\s+avgt\s+\d+\s+([\d.,]+)\s+±\s+([\d.,]+)\s+us\/op/);
    if (m) result.sdk[m[1]] = { usPerOp: Number(m[2].replace(/,/g, '')), error: Number(m[3].replace(/,/g, '')) };
  }
}

if (parts.has('first-screen')) {
  const browser = await launch();
  try {
    const times = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext(); // a fresh profile: nothing cached, not signed in
      // Runs before the app's scripts (CDP, not subject to the page's CSP): notes when the sign-in screen's
      // buttons exist and are enabled — the first moment a person can act.
      await context.addInitScript(() => {
        const ready = () => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Sign in' && !b.disabled);
        new MutationObserver((_, obs) => {
          if (!window.__interactiveAt && ready()) { window.__interactiveAt = performance.now(); obs.disconnect(); }
        }).observe(document, { childList: true, subtree: true, attributes: true });
      });
      const page = await context.newPage();
      await page.goto(APP);
      await page.waitForFunction(() => window.__interactiveAt, undefined, { timeout: 60_000, polling: 100 });
      times.push(await page.evaluate(() => window.__interactiveAt));
      await context.close();
    }
    times.sort((a, b) => a - b);
    result.firstScreen = { url: APP, loads, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], maxMs: times.at(-1) };
  } finally {
    await browser.close();
  }
}

if (parts.has('bundle')) {
  const dist = join(web, 'dist');
  const files = [];
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else { const b = readFileSync(p); files.push({ file: p.slice(dist.length + 1), bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }); }
    }
  };
  walk(dist);
  result.bundle = files.sort((a, b) => b.bytes - a.bytes);
}

writeFileSync(join(target, 'web-benchmark.json'), JSON.stringify(result, null, 2));
const us = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`\nweb benchmark ${result.at} (load average ${result.loadAverage.join(' ')})`);
if (result.browser) {
  console.log(`Chromium: ${result.browser.userAgent}`);
  console.log('| operation | Chromium µs/op (median; min) | Java SDK µs/op | browser / SDK |\n|---|---|---|---|');
  for (const f of result.browser.figures) {
    const j = result.sdk?.[f.name];
    console.log(`| ${f.name} | ${us(f.usPerOp)} (${us(f.minUsPerOp)}) | ${j ? `${us(j.usPerOp)} ± ${us(j.error)}` : '—'} | ${j ? (f.usPerOp / j.usPerOp).toFixed(2) : '—'} |`);
  }
}
if (result.firstScreen) console.log(`first screen interactive (${result.firstScreen.loads} cold loads of ${result.firstScreen.url}): median ${result.firstScreen.medianMs.toFixed(0)} ms, min ${result.firstScreen.minMs.toFixed(0)}, max ${result.firstScreen.maxMs.toFixed(0)}`);
if (result.bundle) for (const f of result.bundle) console.log(`  ${f.file}: ${f.bytes} bytes, gzip ${f.gzip}`);
console.log(`written to ${join(target, 'web-benchmark.json')}`);
