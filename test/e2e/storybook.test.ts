// The Storybook static build in Chromium: built once into a temp dir (`storybook build`, what CI publishes),
// served by a tiny static server on loopback, and driven through playwright-core. The live stories run
// `@oai-runs/server` inside the page as the client's fetch, so every flow here is a real run, in the browser.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, type PageWatch, screenshot, textOf } from './harness.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

let outputDir: string
let server: Server
let baseURL: string
let browser: Browser
let index: { entries: Record<string, { id: string; title: string; name: string; type: string }> }

/** `pnpm exec storybook build --output-dir <dir> --quiet`, in its own process group so a timeout stops all of it. */
function buildStorybook(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['exec', 'storybook', 'build', '--output-dir', dir, '--quiet'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      // Vitest sets NODE_ENV=test; build what CI publishes (React's production build).
      env: { ...process.env, NODE_ENV: 'production', STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const timer = setTimeout(() => {
      if (child.pid) {
        process.kill(-child.pid, 'SIGKILL')
      }
      reject(new Error(`storybook build took over 90 s:\n${output.slice(-4000)}`))
    }, 90_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) {
        resolve()
      } else {
        reject(new Error(`storybook build exited with ${code}:\n${output.slice(-4000)}`))
      }
    })
  })
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/** Serves `dir` read-only on 127.0.0.1 (a free port); `/` is index.html, nothing outside `dir` is reachable. */
function serveStatic(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    const file = normalize(join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname))
    if (!file.startsWith(dir + sep) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        })
        response.end(request.method === 'HEAD' ? undefined : body)
      },
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

beforeAll(async () => {
  outputDir = mkdtempSync(join(tmpdir(), 'oai-runs-storybook-'))
  // Chromium starts while Storybook builds; assigned first so afterAll closes it even if the build fails.
  const launching = launchChromium().then((launched) => {
    browser = launched
  })
  await Promise.all([launching, buildStorybook(outputDir)])
  index = JSON.parse(readFileSync(join(outputDir, 'index.json'), 'utf8'))
  server = await serveStatic(outputDir)
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (outputDir) {
    rmSync(outputDir, { recursive: true, force: true })
  }
})

/** Opens one story in the preview iframe (what the Storybook UI embeds), with `args` set through the URL. */
async function openStory(
  id: string,
  args: Record<string, string | number> = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  expect(index.entries[id], `story ${id} in index.json`).toBeDefined()
  const context = await browser.newContext({
    viewport: { width: 1000, height: 800 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  })
  // Every request the stories' client sends goes to the in-page server as `new Request(…)` (no network): record
  // them, so a test can count what was sent.
  await context.addInitScript(() => {
    const NativeRequest = window.Request
    const sent: string[] = []
    Object.assign(window, { __sentRequests: sent })
    window.Request = class extends NativeRequest {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(input, init)
        sent.push(`${this.method} ${new URL(this.url).pathname}`)
      }
    }
  })
  const page = await context.newPage()
  const watch: PageWatch = { dialogs: [], pageErrors: [], consoleErrors: [] }
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', (error) => watch.pageErrors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') {
      watch.consoleErrors.push(message.text())
    }
  })
  const argsParam = Object.entries(args)
    .map(([key, value]) => `${key}:${value}`)
    .join(';')
  await page.goto(
    `${baseURL}/iframe.html?id=${id}&viewMode=story${argsParam ? `&args=${encodeURIComponent(argsParam)}` : ''}`,
  )
  // The story is rendered once the decorator's theme wrapper is in the root.
  await page.locator('#storybook-root [data-oai-theme]').waitFor({ timeout: 15_000 })
  return { context, page, watch }
}

/** The requests the page's client sent to the in-page server (`METHOD /path`). */
const sentRequests = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sentRequests: string[] }).__sentRequests)

const timeline = (page: Page) => page.locator('[data-oai-timeline]')

async function timelineState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await timeline(page)
    .and(page.locator(`[data-state="${state}"]`))
    .waitFor({ timeout })
    .catch(async (error: Error) => {
      const shown = await timeline(page)
        .getAttribute('data-state', { timeout: 1000 })
        .catch(() => 'none')
      throw new Error(`The timeline shows "${shown}", not "${state}": ${error.message}`)
    })
}

describe('the static build', () => {
  test('index.json has a story for every component and every state the issue lists', () => {
    const stories = Object.values(index.entries).filter((entry) => entry.type === 'story')
    expect(stories.length).toBeGreaterThanOrEqual(70)
    const ids = new Set(stories.map((entry) => entry.id))
    const states = {
      queued: 'components-runtimeline--queued',
      streaming: 'components-runtimeline--streaming',
      'requires_action (one call)': 'components-runtimeline--requires-action',
      'requires_action (parallel calls)': 'components-runtimeline--requires-action-parallel',
      cancelling: 'components-runtimeline--cancelling',
      cancelled: 'components-runtimeline--cancelled',
      failed: 'components-runtimeline--failed',
      expired: 'components-runtimeline--expired',
      incomplete: 'components-runtimeline--incomplete',
      'code interpreter with image': 'components-runtimeline--code-interpreter-with-image',
      'file search with citations': 'components-runtimeline--file-search-with-citations',
      'a long run (100+ steps)': 'components-runtimeline--long-run',
      'malicious Markdown': 'components-messagecontent--malicious-markdown',
      'tool-output form, one call': 'components-tooloutputform--one-call',
      'tool-output form, parallel calls': 'components-tooloutputform--parallel-calls',
      'tool-output form, expired': 'components-tooloutputform--expired',
      'cancel button, cancelling': 'components-cancelrunbutton--cancelling',
    }
    expect(Object.entries(states).filter(([, id]) => !ids.has(id))).toEqual([])
    const titles = new Set(stories.map((entry) => entry.title))
    const components = [
      'RunTimeline',
      'RunStepList',
      'ToolCallView',
      'ToolOutputForm',
      'MessageContent',
      'RunStatusBadge',
      'CancelRunButton',
      'RunMetadataEditor',
      'RunList',
      'RunViewer',
    ]
    expect(components.filter((name) => !titles.has(`Components/${name}`))).toEqual([])
    // Live stories (the in-browser server) for the flows below, and through the hooks.
    for (const id of [
      'components-runtimeline--live',
      'components-tooloutputform--live',
      'components-cancelrunbutton--live',
      'components-runviewer--live',
      'connected-runviewer--tool-round-trip',
    ]) {
      expect(ids.has(id), id).toBe(true)
    }
  })

  test('each run state story renders the timeline in that state; the long run shows 100+ steps', async () => {
    const { page, context, watch } = await openStory('components-runtimeline--queued')
    const states: [story: string, state: string][] = [
      ['queued', 'queued'],
      ['streaming', 'in_progress'],
      ['requires-action', 'requires_action'],
      ['requires-action-parallel', 'requires_action'],
      ['cancelling', 'cancelling'],
      ['cancelled', 'cancelled'],
      ['failed', 'failed'],
      ['expired', 'expired'],
      ['incomplete', 'incomplete'],
      ['code-interpreter-with-image', 'completed'],
      ['file-search-with-citations', 'completed'],
      ['long-run', 'completed'],
    ]
    const shown: [string, string | null][] = []
    for (const [story] of states) {
      await page.goto(`${baseURL}/iframe.html?id=components-runtimeline--${story}&viewMode=story`)
      await timeline(page).waitFor()
      shown.push([story, await timeline(page).getAttribute('data-state')])
    }
    expect(shown).toEqual(states)
    expect(await page.locator('[data-oai-step]').count()).toBeGreaterThanOrEqual(100)
    expect(watch.pageErrors).toEqual([])
    await context.close()
  })
})

describe('live stories (the server in the page)', () => {
  test('a live story streams a reply to completion and announces it', async () => {
    const { page, context, watch } = await openStory('components-runtimeline--live', { tokenDelayMs: 5 })
    await timelineState(page, 'completed')
    // The reply is the scripted model's echo of the prompt; its Markdown is rendered.
    const text = await textOf(timeline(page))
    expect(text).toContain('You said')
    expect(await textOf(timeline(page).locator('strong').first())).toBe('runs')
    // Live regions: the run's status change (the message is announced once, on completion).
    await expect
      .poll(() => timeline(page).getByRole('status').allTextContents())
      .toContain('Run status: Completed')
    expect(await page.getByRole('alert').count()).toBe(0)
    expect(watch.pageErrors).toEqual([])
    await screenshot(page, 'storybook-01-live-stream-completed')
    await context.close()
  })

  test('the tool-output form submits both parallel calls once and the run completes', async () => {
    const { page, context, watch } = await openStory('components-tooloutputform--live', { tokenDelayMs: 5 })
    const weather = page.getByRole('textbox', { name: /Output of get_weather/ })
    await weather.waitFor({ timeout: 10_000 })
    await timelineState(page, 'requires_action')
    await weather.fill('{"celsius":18}')
    await page.getByRole('textbox', { name: /Output of get_time/ }).fill('14:05')
    await screenshot(page, 'storybook-02-tool-form-filled')
    // A double click: exactly one submit request (counted below).
    await page.getByRole('button', { name: 'Submit 2 outputs' }).dblclick()
    await timelineState(page, 'completed')
    await expect.poll(() => textOf(timeline(page))).toContain('14:05')
    const submits = (await sentRequests(page)).filter((request) => request.endsWith('/submit_tool_outputs'))
    expect(submits).toEqual([expect.stringMatching(/^POST \/v1\/threads\/thread_\w+\/runs\/run_\w+\//)])
    expect(await page.getByRole('form').count()).toBe(0) // the form is gone once the run moved on
    expect(await page.getByRole('alert').count()).toBe(0)
    expect(watch.pageErrors).toEqual([])
    await screenshot(page, 'storybook-03-tool-form-submitted')
    await context.close()
  })

  test('cancel: cancelling at once (optimistic), then cancelled by the server', async () => {
    const { page, context, watch } = await openStory('components-cancelrunbutton--live', {
      tokenDelayMs: 40,
      cancelDelayMs: 1000,
    })
    const badge = page.locator('[data-oai-status-badge]')
    await badge.and(page.locator('[data-state="in_progress"]')).waitFor({ timeout: 10_000 })
    await page.getByRole('button', { name: 'Cancel run' }).click()
    // The same button, renamed: "Cancelling…" at once (optimistic), before the server answers.
    const button = page.locator('button[data-oai-cancel]')
    await expect.poll(() => textOf(button), { timeout: 500 }).toBe('Cancelling…')
    expect(await page.getByRole('button', { name: 'Cancelling…' }).getAttribute('aria-disabled')).toBe('true')
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true)
    await screenshot(page, 'storybook-04-cancelling')
    await expect.poll(() => textOf(button), { timeout: 10_000 }).toBe('Cancelled')
    expect(await badge.getAttribute('data-state')).toBe('cancelled')
    expect(await textOf(badge)).toContain('Cancelled')
    expect(watch.pageErrors).toEqual([])
    await screenshot(page, 'storybook-05-cancelled')
    await context.close()
  })

  test('the connected run viewer (hooks) submits a tool output and the run completes', async () => {
    const { page, context } = await openStory('connected-runviewer--tool-round-trip', { tokenDelayMs: 5 })
    const output = page.getByRole('textbox', { name: /Output of get_weather/ })
    await output.waitFor({ timeout: 10_000 })
    await output.fill('{"celsius":18}')
    await page.getByRole('button', { name: 'Submit output' }).click()
    await timelineState(page, 'completed')
    await expect.poll(() => textOf(timeline(page))).toContain('celsius')
    await screenshot(page, 'storybook-06-connected-completed')
    await context.close()
  })
})

test('malicious Markdown renders inert: no dialog, no script link, no tracking pixel, the source text shown', async () => {
  const { page, context, watch } = await openStory('components-messagecontent--malicious-markdown')
  const requested: string[] = []
  page.on('request', (request) => requested.push(request.url()))
  const root = page.locator('#storybook-root')
  // The script links are inert spans; clicking them does nothing.
  const blocked = root.locator('[data-oai-link][data-state="blocked"]')
  expect(await blocked.count()).toBe(5)
  for (const link of await blocked.all()) {
    await link.click()
  }
  await page.waitForTimeout(200)
  expect(watch.dialogs).toEqual([])
  expect(page.url()).toContain('iframe.html')
  const urls = await root
    .locator('[href], [src]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href') ?? node.getAttribute('src')!))
  expect(urls.filter((url) => /^\s*(javascript|data|vbscript):/i.test(url))).toEqual([])
  expect(
    await root.locator(':is(script, iframe, object, embed, img, svg, [onerror], [onload])').count(),
  ).toBe(0)
  const safe = root.getByRole('link', { name: 'example.com' })
  expect(await safe.getAttribute('href')).toBe('https://example.com/')
  expect(await safe.getAttribute('rel')).toBe('noopener noreferrer nofollow')
  const text = await textOf(root)
  expect(text).toContain('<script>alert("xss")</script>')
  expect(text).toContain('<svg onload=alert(1)>')
  expect(requested.filter((url) => url.includes('evil.example'))).toEqual([])
  expect(watch.pageErrors).toEqual([])
  await screenshot(page, 'storybook-07-malicious-markdown')
  await context.close()
})
