import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The production build is what server/serve.mjs serves at http://127.0.0.1:5173 (deploy/local/stack).
// No inline script or style ends up in index.html (CSP script-src 'self'), file names carry content hashes,
// and the output is reproducible: scripts/manifest.mjs prints its SHA-256 manifest.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // libsodium-wrappers-sumo embeds its WebAssembly (about 550 kB of the bundle); one chunk is intended.
    chunkSizeWarningLimit: 1000,
  },
  server: { host: '127.0.0.1', port: 5174, strictPort: true },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
