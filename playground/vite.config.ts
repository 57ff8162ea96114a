import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The playground UI. Workspace packages resolve to their sources through the `source` condition.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
})
