// End-to-end harness: builds the playground UI once, serves it with the playground app (the same code
// `pnpm start` runs) on a free loopback port, and drives Debian's Chromium through playwright-core.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { listen } from '@oai-runs/server/node'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { build } from 'vite'
import { createPlaygroundApp, type PlaygroundOptions } from '../../playground/app.ts'

export const playgroundRoot = fileURLToPath(new URL('../../playground/', import.meta.url))
export const staticDir = fileURLToPath(new URL('../../playground/dist', import.meta.url))
export const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url))

/** Builds the UI into playground/dist (what `pnpm start` serves). */
export async function buildPlayground(): Promise<void> {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build; test what users get.
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({
      root: playgroundRoot,
      configFile: fileURLToPath(new URL('../../playground/vite.config.ts', import.meta.url)),
      mode: 'production',
      logLevel: 'error',
    })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

export type Playground = {
  url: string
  app: ReturnType<typeof createPlaygroundApp>
  close(): Promise<void>
}

/** Serves the built UI and the playground API (embedded server) on a free port. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const app = createPlaygroundApp({ staticDir, tokenDelayMs: 5, cancelDelayMs: 200, ...options })
  const listener = await listen(app, { host: '127.0.0.1', port: 0 })
  return {
    url: listener.url.replace(/\/v1$/, ''),
    app,
    async close() {
      app.close()
      await listener.close()
    },
  }
}

/** Everything a page did that a test may want to assert on. */
export type PageWatch = {
  dialogs: string[]
  pageErrors: string[]
  consoleErrors: string[]
}

export async function openPage(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({
    baseURL: new URL(url).origin,
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
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
  await page.goto(url)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  return { context, page, watch }
}

/** Types a message into the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  if (text.trim() === '') {
    throw new Error('send(): the text is empty, so the composer would never take it')
  }
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  // The submit button is enabled once React saw the text (while a run is active it queues the message).
  await page.locator('.pg-composer button[type="submit"]:enabled').waitFor()
  await box.press('Enter')
}

/** Sends a message and waits for its own run (not the previous one) to reach `status`. */
export async function sendAndWait(page: Page, text: string, status: string): Promise<void> {
  const header = page.locator('.pg-chat-header')
  const before = await header.getAttribute('data-run-id')
  await send(page, text)
  try {
    await header.and(page.locator(`:not([data-run-id="${before ?? ''}"])`)).waitFor({ timeout: 10_000 })
  } catch (error) {
    await screenshot(page, `failed-send-${Date.now()}`).catch(() => undefined)
    const attributes = await header.evaluate((element) => element.outerHTML.slice(0, 300)).catch(() => '')
    throw new Error(`No new run after sending ${JSON.stringify(text)}: ${attributes}`, { cause: error })
  }
  await runStatus(page, status)
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const path = `${artifactsDir}${name}.png`
  await page.screenshot({ path })
  return path
}

/** The run panel's viewer (data-state is the run status). */
export const runViewer = (page: Page) => page.locator('.pg-run-viewer')

/** Waits until the run shown in the run panel has this status; on timeout saves a screenshot to look at. */
export async function runStatus(page: Page, status: string, timeout = 15_000): Promise<void> {
  try {
    await runViewer(page)
      .and(page.locator(`[data-state="${status}"]`))
      .waitFor({ timeout })
  } catch (error) {
    const shown = await runViewer(page)
      .getAttribute('data-state', { timeout: 1000 })
      .catch(() => 'none')
    await screenshot(page, `failed-wait-for-${status}-${Date.now()}`).catch(() => undefined)
    throw new Error(`The run panel shows "${shown}", not "${status}": ${(error as Error).message}`)
  }
}

/** The text of an element (textContent, never null). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? ''
}
