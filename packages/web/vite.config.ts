import { defineConfig } from 'vite';

// Preact through the automatic JSX runtime (no plugin needed for a production build). Assets are
// served by `strata start` and CloudFront from `/`, bundles under `/assets/` with content hashes.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 400 },
});
