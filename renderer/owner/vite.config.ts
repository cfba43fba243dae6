/**
 * The owner's page, served by `scanpay hub` at `/` (issue 19): a second vite entry on the till's
 * stack (React, the till's styles.css), built to dist/owner. `base: './'` keeps asset paths relative.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/owner',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
