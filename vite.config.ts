import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// One vitest run, one project per package (+ cross-package tests under test/).
// The `source` condition points workspace packages at their `src/`, so no build step is needed.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['packages/server/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'client', include: ['packages/client/src/core/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'react',
          include: ['packages/client/src/react/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['packages/client/src/react/vitest.setup.ts'],
          typecheck: {
            enabled: true,
            include: ['packages/client/src/react/**/*.test-d.ts'],
            tsconfig: 'packages/client/src/react/tsconfig.typecheck.json',
          },
        },
      },
    ],
  },
})
