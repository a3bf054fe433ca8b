import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by the Tandem server at `/`; in `vite dev` API calls go to :8080.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://localhost:8080', '/auth': 'http://localhost:8080', '/fhir': 'http://localhost:8080' } },
});
