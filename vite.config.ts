import react from '@vitejs/plugin-react'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'

// Debian's Chromium (CI sets CHROMIUM_PATH); browsers are never downloaded.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

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
        test: {
          name: 'client',
          include: ['packages/client/src/core/**/*.test.ts', 'packages/client/src/query/**/*.test.ts'],
          environment: 'node',
          // Type tests of the core's public surface (`*.test-d.ts`, expectTypeOf).
          typecheck: {
            enabled: true,
            include: ['packages/client/src/core/**/*.test-d.ts'],
            tsconfig: 'packages/client/src/core/tsconfig.typecheck.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The browser end-to-end tests and the packaging tests have their own projects (`e2e`, `packages`).
          exclude: ['test/e2e/**', 'test/packages/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // The playground in Debian's Chromium (playwright-core): builds the UI once per file, then serves it.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // pnpm build + pack, publint, attw, and the examples/ apps installed from the tarballs with npm (Chromium).
          name: 'packages',
          include: ['test/packages/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 900_000,
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
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'components',
          include: ['packages/components/src/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['packages/components/src/test/setup.ts'],
        },
      },
      {
        extends: true,
        plugins: [react()],
        resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
        optimizeDeps: {
          include: [
            'react',
            'react-dom',
            'react-dom/client',
            'react/jsx-runtime',
            'react/jsx-dev-runtime',
            'axe-core',
          ],
        },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.tsx'],
          setupFiles: ['test/browser/setup.ts'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            viewport: { width: 1000, height: 800 },
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: chromiumArgs,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
