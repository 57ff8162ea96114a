// The packages as users get them: `pnpm build`, `pnpm pack`, then the checks a library author runs on each tarball
// (contents, publint, Are The Types Wrong) and the example apps of examples/ installed from those tarballs with npm,
// outside the workspace: a Vite app (React 19, and React 18 with the oldest react-query the peers allow) that
// type-checks against the shipped .d.ts, builds and runs in Chromium, and a Next.js App Router app that
// server-renders the hooks and components and hydrates without a warning.
import { join } from 'node:path'
import type { Browser, ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from '../e2e/harness.ts'
import {
  buildAndPack,
  type ConsumerApp,
  freePort,
  installExample,
  installedVersion,
  type PackageName,
  packageNames,
  repoRoot,
  type Served,
  serve,
  sh,
  tarballFiles,
  userEnv,
} from './consumer.ts'

let tarballs: Record<PackageName, string>
let browser: Browser

beforeAll(async () => {
  ;({ tarballs } = await buildAndPack())
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name)

describe('tarballs', () => {
  test.each(packageNames)(
    '@oai-runs/%s holds its build and no tests, stories, fixtures or test utilities',
    async (name) => {
      const files = await tarballFiles(tarballs[name])
      // The server's `@oai-runs/server/testing` entry (test servers for the model adapters) ships on purpose: its
      // dist/testing/ folder is allowed, though not test files inside it.
      const shipped = (file: string) =>
        name === 'server' && file.startsWith('dist/testing/') ? file.slice('dist/testing/'.length) : file
      const leaked = files.filter((file) =>
        /(\.test(-d)?\.tsx?$|\.test\.js$|(^|\/)test\/|test-utils|vitest|fixtures?[/.]|\.stories\.|readme-example|(^|\/)testing\/)/.test(
          shipped(file),
        ),
      )
      expect(leaked).toEqual([])
      const entry = name === 'client' ? 'dist/core/index' : 'dist/index'
      for (const suffix of ['.js', '.js.map', '.d.ts', '.d.ts.map']) {
        expect(files).toContain(`${entry}${suffix}`)
      }
      expect(files).toContain('README.md')
      expect(files).toContain('CHANGELOG.md')
      expect(files).toContain('package.json')
      if (name === 'components') {
        expect(files).toContain('dist/styles.css')
        expect(files).toContain('dist/devtools/devtools.css')
      }
      if (name === 'server') {
        expect(files).toContain('dist/cli.js')
        expect(files).toContain('spec/runs-api.schema.json')
      }
    },
  )

  test.each(packageNames)('@oai-runs/%s passes publint (strict)', async (name) => {
    const output = await sh(bin('publint'), ['run', tarballs[name], '--strict'], {
      cwd: repoRoot,
      env: process.env,
    })
    expect(output).toContain('All good!')
  })

  test.each(packageNames)('@oai-runs/%s passes Are The Types Wrong (ESM-only profile)', async (name) => {
    const args = ['--pack', tarballs[name], '--profile', 'esm-only', '--format', 'table-flipped']
    if (name === 'components') {
      args.push('--exclude-entrypoints', './styles.css', './devtools.css')
    }
    // attw exits non-zero on any problem in the resolutions the profile keeps (node16 from ESM, bundler).
    const output = await sh(bin('attw'), args, { cwd: repoRoot, env: process.env })
    expect(output).toContain('node16 (from ESM)')
  })
})

/** Collects what a page logs that a user would see as a problem: errors, warnings, failed requests. */
function watch(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`${message.type()}: ${message.text()}`)
    }
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) {
      problems.push(`${response.status()} ${response.request().method()} ${response.url()}`)
    }
  })
  // The live list (the listeners keep adding to it): a filtered copy taken here would stay empty.
  return problems
}

// The browser's own favicon request is not the app's: its console line goes; a 404 of anything else is still listed
// by the response listener above, with its URL.

const realProblems = (problems: string[]) =>
  problems.filter(
    (problem) =>
      !/favicon\.ico|Failed to load resource: the server responded with a status of 404/.test(problem),
  )

async function driveViteApp(url: string): Promise<void> {
  const page = await browser.newPage()
  const problems = watch(page)
  try {
    await page.goto(url)
    // A streamed run that stops for a tool call, answered in the ToolOutputForm.
    await page.getByRole('button', { name: 'Send' }).click()
    const output = page.getByRole('textbox', { name: /Output of get_weather/ })
    await output.waitFor()
    await output.fill('{"celsius":18}')
    await page.getByRole('button', { name: /^Submit/ }).click()
    await page
      .locator('li[data-role="assistant"]')
      .filter({ hasText: /celsius/ })
      .first()
      .waitFor()
    await page.locator('[data-oai-run-viewer][data-state="completed"]').waitFor()

    // A long run, cancelled from the RunViewer's cancel button.
    await page.getByRole('textbox', { name: 'Message' }).fill('/long 2000')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.locator('[data-oai-run-viewer][data-state="in_progress"]').waitFor()
    await page.getByRole('button', { name: 'Cancel run' }).click()
    await page.locator('[data-oai-run-viewer][data-state="cancelled"]').waitFor()
    expect(realProblems(problems)).toEqual([])
  } finally {
    await page.close()
  }
}

describe.each([
  { label: 'React 19', overrides: {} },
  {
    label: 'React 18 with react-query 5.102.0, the oldest the peer range admits',
    overrides: {
      dependencies: { react: '18.3.1', 'react-dom': '18.3.1', '@tanstack/react-query': '5.102.0' },
      devDependencies: { '@types/react': '^18.3.0', '@types/react-dom': '^18.3.0' },
    },
  },
])('a Vite app installed from the tarballs ($label)', ({ overrides }) => {
  let app: ConsumerApp
  let served: Served | undefined

  beforeAll(async () => {
    app = await installExample('vite-react', tarballs, overrides)
  })
  afterAll(async () => {
    await served?.stop()
    app?.remove()
  })

  test('resolves the packages from node_modules, not the workspace', () => {
    for (const name of packageNames) {
      expect(installedVersion(app, `@oai-runs/${name}`)).toMatch(/^0\./)
    }
    const react = installedVersion(app, 'react')
    expect(react.split('.')[0]).toBe(overrides.dependencies ? '18' : '19')
  })

  test('type-checks against the shipped .d.ts (strict, skipLibCheck off, TypeScript 5)', async () => {
    const tsc = join(app.dir, 'node_modules', '.bin', 'tsc')
    expect(await sh(tsc, ['--version'], { cwd: app.dir })).toMatch(/^Version 5\./)
    await sh(tsc, ['-p', 'tsconfig.json'], { cwd: app.dir })
  })

  test('builds with Vite and, in Chromium, streams a run through the proxy, answers a tool call and cancels a run', async () => {
    await sh(join(app.dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'error'], {
      cwd: app.dir,
      env: userEnv({ NODE_ENV: 'production' }),
    })
    const port = await freePort()
    served = await serve(process.execPath, ['server.mjs'], {
      cwd: app.dir,
      env: userEnv({ PORT: String(port), TOKEN_DELAY_MS: '10' }),
      url: `http://127.0.0.1:${port}/`,
    })
    await driveViteApp(served.url)
    // The key stayed on the server: the built bundle never saw it.
    const bundle = await sh('grep', ['-rl', 'server-side-key', join(app.dir, 'dist')], {
      cwd: app.dir,
    }).catch(() => '')
    expect(bundle).toBe('')
  })
})

describe('a Next.js App Router app installed from the tarballs', () => {
  let app: ConsumerApp
  let served: Served | undefined

  beforeAll(async () => {
    app = await installExample('next-app', tarballs)
  })
  afterAll(async () => {
    await served?.stop()
    app?.remove()
  })

  test('builds (with its type check), server-renders the hooks and components, hydrates without a warning and streams through the route handler', async () => {
    const next = join(app.dir, 'node_modules', '.bin', 'next')
    await sh(next, ['build'], { cwd: app.dir, env: userEnv({ NEXT_TELEMETRY_DISABLED: '1' }) })
    const port = await freePort()
    // `localhost`: the host Next gives request.url, which the proxy's same-origin check compares with Origin.
    const url = `http://localhost:${port}/`
    served = await serve(next, ['start', '-p', String(port), '-H', 'localhost'], {
      cwd: app.dir,
      env: userEnv({ NEXT_TELEMETRY_DISABLED: '1', TOKEN_DELAY_MS: '10' }),
      url,
    })

    // Server-rendered: the first run's messages and its RunViewer are in the HTML before any script runs.
    const html = await (await fetch(url)).text()
    expect(html).toContain('Hello from the server')
    expect(html).toContain('You said: &quot;Hello from the server&quot;')
    expect(html).toMatch(/data-oai-run-viewer="" data-state="completed"/)

    // Another time zone and locale than the server's: text the server rendered must still hydrate as it is.
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'de-DE' })
    const page = await context.newPage()
    const problems = watch(page)
    try {
      await page.goto(url)
      await page.waitForFunction(() => {
        const button = document.querySelector<HTMLButtonElement>('button[type="submit"]')
        // React attaches its handlers on hydration; a hydrated root has React's internal keys on its nodes.
        return button !== null && Object.keys(button).some((key) => key.startsWith('__react'))
      })
      await page.getByRole('button', { name: 'Send' }).click()
      await page
        .locator('li[data-role="assistant"]')
        .filter({ hasText: 'You said: "Hello from the browser"' })
        .waitFor()
      await page.locator('[data-oai-run-viewer][data-state="completed"]').waitFor()
      expect(await page.locator('li[data-role="assistant"]').count()).toBe(2)
      expect(realProblems(problems)).toEqual([])
    } finally {
      await context.close()
    }
  })
})
