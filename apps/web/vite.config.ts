import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The citizen web: built to dist/, served by the Tillit server (apps/server) at /.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', manifest: true },
  server: { proxy: { '/api': 'http://localhost:3000', '/auth': 'http://localhost:3000' } },
});
