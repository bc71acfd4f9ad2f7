import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// cornerstone3D under Vite (see docs in /work/shared/ENVIRONMENT.md):
// - vtk.js imports Node's `events`; without the alias the build fails at runtime with
//   "Class extends value undefined".
// - the DICOM image loader starts module workers and loads WASM codecs: keep it out of the dev
//   pre-bundling (its `new URL(..., import.meta.url)` must stay intact) but pre-bundle its codecs.
export default defineConfig({
  plugins: [svelte()],
  resolve: {
    alias: { events: fileURLToPath(new URL('./node_modules/events/events.js', import.meta.url)) },
  },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [
      '@cornerstonejs/core',
      '@cornerstonejs/tools',
      '@cornerstonejs/metadata',
      'dicom-parser',
      '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/dicom-image-loader > @cornerstonejs/codec-openjph/wasmjs',
    ],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
  },
  server: {
    // The dev server talks to a running Reading Room server (default port 8080).
    proxy: {
      '/api': process.env.READINGROOM_API ?? 'http://127.0.0.1:8080',
      '/dicomweb': process.env.READINGROOM_API ?? 'http://127.0.0.1:8080',
    },
  },
});
