/**
 * Renderer build. `base: './'` keeps every asset path relative, so the same dist/renderer works loaded
 * from file:// in Electron and served at `/` by the headless service.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
