// The playground in Chromium: the flows a new user tries in the first minute, against the real backend (the
// playground app with the embedded Runs server behind the key-holding proxy), one fresh session per test.
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { listen } from '@oai-runs/server/node'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  buildPlayground,
  launchChromium,
  openPage,
  type Playground,
  runStatus,
  runViewer,
  screenshot,
  send,
  sendAndWait,
  startPlayground,
  textOf,
} from './harness.ts'

let browser: Browser
let playground: Playground

beforeAll(async () => {
  await buildPlayground()
  ;[browser, playground] = await Promise.all([launchChromium(), startPlayground()])
}, 120_000)

afterEach(async () => {
  // Each test starts from the defaults, whatever the previous one armed or slowed down.
  await fetch(`${playground.url}/api/playground/faults`, { method: 'DELETE' })
  await fetch(`${playground.url}/api/playground/pace`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tokenDelayMs: 5, cancelDelayMs: 200 }),
  })
})

afterAll(async () => {
  await browser?.close()
  await playground?.close()
})

/** The text of the assistant's messages (not their visually hidden live-region copy). */
const assistantBubbles = (page: Page) =>
  page.locator('.pg-message[data-role="assistant"] [data-oai-part="text"]')

async function setPace(page: Page, pace: { tokenDelayMs?: number; cancelDelayMs?: number }) {
  const response = await page.request.post('/api/playground/pace', { data: pace })
  expect(response.ok()).toBe(true)
}

describe('chat', () => {
  test('streams a reply into a new thread, titled from the first message', async () => {
    const { page, context, watch } = await openPage(browser, playground.url)
    await expect(
      page.getByRole('heading', { name: 'Chat with the demo assistant' }).isVisible(),
    ).resolves.toBe(true)
    await screenshot(page, '01-empty-state')
    await send(page, 'Hello from **Chromium**!')
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toBe('You said: "Hello from Chromium!"')
    // The bold is Markdown, rendered as <strong>.
    expect(await textOf(assistantBubbles(page).last().locator('strong'))).toBe('Chromium')
    expect(page.url()).toMatch(/\/t\/thread_\w+$/)
    const thread = page
      .getByRole('navigation', { name: 'Threads' })
      .getByRole('link', { name: /Hello from Chromium!/ })
    await thread.waitFor()
    expect(await thread.getAttribute('aria-current')).toBe('page')
    // The run list of the thread and the timeline of the run.
    expect(await page.locator('[data-oai-run-trigger]').count()).toBe(1)
    expect(await textOf(runViewer(page))).toContain('Completed')
    await screenshot(page, '02-streamed-reply')
    expect(watch.pageErrors).toEqual([])
    await context.close()
  })

  test('a function call is answered in the tool-output form and the run completes', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await send(page, '/tool get_weather {"city":"Paris"}')
    await runStatus(page, 'requires_action')
    await page.getByRole('button', { name: 'Answer in the form' }).click()
    const output = page.getByRole('textbox', { name: /Output of get_weather/ })
    await expect.poll(() => output.evaluate((element) => element === document.activeElement)).toBe(true)
    await output.fill('{"celsius":21,"conditions":"sunny"}')
    await screenshot(page, '03-tool-form')
    await page.getByRole('button', { name: /^Submit/ }).click()
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toContain('get_weather returned')
    expect(await textOf(assistantBubbles(page).last())).toContain('sunny')
    // Metadata: edited in the run panel, saved with modify-run.
    await page.getByText('Metadata', { exact: true }).click()
    await page.getByRole('button', { name: 'Add pair' }).click()
    await page.getByRole('textbox', { name: 'Key 1' }).fill('reviewed')
    await page.getByRole('textbox', { name: 'Value 1' }).fill('yes')
    await page.getByRole('button', { name: 'Save metadata' }).click()
    const threadId = /\/t\/(thread_\w+)/.exec(page.url())![1]
    await expect
      .poll(
        async () =>
          (await (await page.request.get(`/api/runs/threads/${threadId}/runs`)).json()).data[0].metadata,
      )
      .toEqual({ reviewed: 'yes' })
    await screenshot(page, '04-tool-answered')
    await context.close()
  })

  test('parallel tool calls: both in one form, "Run tools" fills them, one submit request', async () => {
    const { page, context } = await openPage(browser, playground.url)
    const submits: string[] = []
    page.on('request', (request) => {
      if (request.url().includes('/submit_tool_outputs')) {
        submits.push(request.postData() ?? '')
      }
    })
    await send(page, '/tool get_weather {"city":"Paris"}\n/tool get_time {"timezone":"Europe/Paris"}')
    await runStatus(page, 'requires_action')
    await page.getByRole('textbox', { name: /Output of get_weather/ }).fill('{"celsius":18}')
    // "Run tools" runs the playground's client implementations for the calls.
    await page.getByRole('button', { name: 'Run tools' }).click()
    await expect
      .poll(() => page.getByRole('textbox', { name: /Output of get_time/ }).inputValue())
      .toContain('Europe/Paris')
    const submit = page.getByRole('button', { name: 'Submit 2 outputs' })
    await submit.dblclick()
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toContain('get_time returned')
    expect(submits).toHaveLength(1)
    const body = JSON.parse(submits[0]!) as { tool_outputs: { tool_call_id: string }[] }
    expect(body.tool_outputs).toHaveLength(2)
    await screenshot(page, '05-parallel-tools')
    await context.close()
  })

  test('Stop cancels a long run mid-stream on the server and unlocks the composer', async () => {
    const { page, context } = await openPage(browser, playground.url)
    // The pace slider sets the embedded server's token delay.
    await page.getByRole('slider', { name: 'Token delay' }).fill('40')
    await expect.poll(() => page.getByText('Pace set: 40 ms per token').count()).toBe(1)
    try {
      await send(page, '/long 2000')
      await expect.poll(() => textOf(assistantBubbles(page).last()).catch(() => '')).toMatch(/alpha bravo/)
      // The caret is drawn after the block the text streams into, and only there.
      const caret = () =>
        assistantBubbles(page)
          .last()
          .evaluate((bubble) => {
            const tails = bubble.querySelectorAll('[data-oai-tail]')
            return {
              tails: tails.length,
              onLast: tails[0] !== undefined && tails[0] === tails[0].parentElement?.lastElementChild,
              content: tails[0] ? getComputedStyle(tails[0], '::after').content : null,
            }
          })
      expect(await caret()).toEqual({ tails: 1, onLast: true, content: '"▍"' })
      const stop = page.getByRole('button', { name: 'Stop', exact: true })
      await stop.click()
      await runStatus(page, 'cancelled')
      await page.locator('.pg-run-outcome[data-state="cancelled"]').waitFor()
      const text = await textOf(assistantBubbles(page).last())
      expect(text.split(/\s+/).length).toBeLessThan(2000)
      expect((await caret()).tails).toBe(0)
      // The server agrees, and the thread takes a new message at once.
      const threadId = /\/t\/(thread_\w+)/.exec(page.url())![1]
      const runs = await (await page.request.get(`/api/runs/threads/${threadId}/runs`)).json()
      expect(runs.data[0].status).toBe('cancelled')
      await screenshot(page, '06-cancelled')
      await send(page, 'Still there?')
      await expect.poll(() => textOf(assistantBubbles(page).last())).toBe('You said: "Still there?"')
    } finally {
      await setPace(page, { tokenDelayMs: 5 })
      await context.close()
    }
  })

  test('a follow-up typed while a run streams is queued (and can be removed); Stop and send sends it', async () => {
    const { page, context, watch } = await openPage(browser, playground.url)
    await setPace(page, { tokenDelayMs: 20 })
    try {
      await send(page, '/long 400')
      await expect.poll(() => textOf(assistantBubbles(page).last()).catch(() => '')).toMatch(/alpha bravo/)
      const box = page.getByRole('textbox', { name: 'Message' })
      const queued = page.locator('.pg-message[data-state="queued"]')
      const announced = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor()
      // While the run streams, Enter queues: the message shows above the message box as queued, and the status says so.
      await box.fill('First follow-up')
      await box.press('Enter')
      await queued.filter({ hasText: 'First follow-up' }).waitFor()
      await announced('1 message queued, sent when the run ends')
      expect(await textOf(queued)).toContain('Queued')
      // A second one, taken back with its own button; the focus goes back to the message box.
      await box.fill('Never mind')
      await box.press('Enter')
      await announced('2 messages queued')
      await page.getByRole('button', { name: 'Remove queued message: Never mind' }).click()
      await expect.poll(() => queued.count()).toBe(1)
      expect(await box.evaluate((element) => element === document.activeElement)).toBe(true)
      expect(await page.locator('.pg-chat-header').getAttribute('data-stream-status')).toBe('streaming')
      await screenshot(page, '17-queued-follow-up')
      // Stop and send: the run is cancelled, then the queued message and this one go, in order.
      await box.fill('Stop and answer this')
      await page.getByRole('button', { name: 'Stop and send' }).click()
      await page.locator('.pg-run-outcome[data-state="cancelled"]').waitFor()
      await expect
        .poll(() => textOf(assistantBubbles(page).last()), { timeout: 10_000 })
        .toBe('You said: "Stop and answer this"')
      await expect.poll(() => queued.count()).toBe(0)
      // The server agrees: the long run cancelled, both follow-ups answered, the removed one never sent.
      const threadId = /\/t\/(thread_\w+)/.exec(page.url())![1]
      const messages = await (
        await page.request.get(`/api/runs/threads/${threadId}/messages?order=asc&limit=100`)
      ).json()
      const said = (messages.data as { role: string; content: { text: { value: string } }[] }[])
        .filter((message) => message.role === 'user')
        .map((message) => message.content[0]?.text.value)
      expect(said).toEqual(['/long 400', 'First follow-up', 'Stop and answer this'])
      // The last reply can be whole a moment before its run completes on the server: poll for the end state.
      const statuses = async () => {
        const runs = await (await page.request.get(`/api/runs/threads/${threadId}/runs?order=asc`)).json()
        return runs.data.map((run: { status: string }) => run.status)
      }
      await expect.poll(statuses).toEqual(['cancelled', 'completed', 'completed'])
      expect(watch.pageErrors).toEqual([])
    } finally {
      await setPace(page, { tokenDelayMs: 5 })
      await context.close()
    }
  })

  test('a reload mid-run resumes the run (by polling) and shows it finish', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await setPace(page, { tokenDelayMs: 15 })
    try {
      await send(page, '/long 300')
      await expect.poll(() => textOf(assistantBubbles(page).last()).catch(() => '')).toMatch(/alpha bravo/)
      await page.reload()
      await page.getByText('following by polling').waitFor({ timeout: 5000 })
      await screenshot(page, '07-resumed-after-reload')
      await runStatus(page, 'completed', 20_000)
      await expect
        .poll(() => textOf(assistantBubbles(page).last()).then((text) => text.trim().split(/\s+/).length))
        .toBe(300)
      expect(await page.getByText('following by polling').count()).toBe(0)
    } finally {
      await setPace(page, { tokenDelayMs: 5 })
      await context.close()
    }
  })
})

describe('failures', () => {
  test('a 429 on create is shown, retried after retry-after-ms, and the reply streams', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await page.getByRole('button', { name: '429 on next send' }).click()
    await page.locator('.pg-pending li', { hasText: '429 on next send (retry after 1 s)' }).waitFor()
    await send(page, 'After a rate limit')
    const banner = page.locator('.pg-activity-banner')
    await banner.getByText(/Retrying in 1\.0 s \(attempt 2 of 3\)/).waitFor()
    await screenshot(page, '08-429-retrying')
    await banner.getByText(/Succeeded after 1 retry/).waitFor({ timeout: 10_000 })
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toBe('You said: "After a rate limit"')
    await page.getByText('API errors and retries').click()
    expect(await textOf(page.locator('.pg-activity-log li[data-state="recovered"]'))).toContain('429')
    await screenshot(page, '09-429-recovered')
    await context.close()
  })

  test('three 429s: the client gives up, the error is shown and the draft comes back', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await page.getByRole('button', { name: '429 three times' }).click()
    await page.locator('.pg-pending li', { hasText: '429 ×3 (client gives up)' }).waitFor()
    await send(page, 'Will this get through?')
    const alert = page.getByRole('alert').filter({ hasText: 'Rate limited' })
    await alert.waitFor({ timeout: 10_000 })
    expect(await textOf(alert)).toContain('HTTP 429')
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue())
      .toBe('Will this get through?')
    await screenshot(page, '10-429-gave-up')
    await context.close()
  })

  test('a run that fails shows its last_error in the chat and the timeline', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await page.getByRole('button', { name: 'Fail next run' }).click()
    const box = page.getByRole('textbox', { name: 'Message' })
    await expect.poll(() => box.inputValue()).toBe('/fail server_error')
    await box.press('Enter')
    await runStatus(page, 'failed')
    const notice = page.locator('.pg-run-outcome[data-state="failed"]')
    await notice.waitFor()
    expect(await textOf(notice)).toContain(
      'server_error: The scripted model failed the run with server_error',
    )
    expect(await textOf(runViewer(page))).toContain('server_error')
    await screenshot(page, '11-run-failed')
    await context.close()
  })

  test('the stream stalls: the client follows the run by polling and it completes', async () => {
    const { page, context } = await openPage(browser, playground.url)
    await setPace(page, { tokenDelayMs: 20 })
    await page.getByRole('button', { name: 'Stall stream' }).click()
    await page.locator('.pg-pending li', { hasText: 'stall the next stream for 6 s' }).waitFor()
    await send(page, '/long 400')
    // After 3 s of silence the stream is given up (the run goes on) and the run is polled.
    await page.getByText('following by polling').waitFor({ timeout: 8000 })
    await screenshot(page, '12-stalled-polling')
    await runStatus(page, 'completed', 20_000)
    await expect
      .poll(() => textOf(assistantBubbles(page).last()).then((text) => text.trim().split(/\s+/).length))
      .toBe(400)
    await context.close()
  })
})

describe('security', () => {
  test('malicious Markdown is rendered inert: no dialog, no javascript: link, the text is shown', async () => {
    const { page, context, watch } = await openPage(browser, playground.url)
    const payload =
      '[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) <img src=x onerror=alert(3)> <script>alert(4)</script> ' +
      '<svg onload=alert(5)> [z](data:text/html,<script>alert(6)</script>)'
    await send(page, payload)
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toContain('<img src=x onerror=alert(3)>')
    // Click every link the model wrote (they must go nowhere).
    for (const link of await page.locator('.pg-bubble a').all()) {
      await link.click({ modifiers: [] }).catch(() => undefined)
    }
    await page.waitForTimeout(300)
    expect(watch.dialogs).toEqual([])
    const hrefs = await page
      .locator('body [href]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href')!))
    expect(hrefs.filter((href) => /^\s*(javascript|data|vbscript):/i.test(href))).toEqual([])
    expect(
      await page.locator('.pg-bubble img, .pg-bubble script, .pg-bubble svg, [onerror], [onload]').count(),
    ).toBe(0)
    const text = await textOf(page.locator('.pg-messages'))
    expect(text).toContain('<script>alert(4)</script>')
    expect(text).toContain('<svg onload=alert(5)>')
    expect(watch.pageErrors).toEqual([])
    await screenshot(page, '13-malicious-markdown')
    await context.close()
  })

  test("another session cannot open a thread's URL or ids: the proxy answers 404 and the page says so", async () => {
    const alice = await openPage(browser, playground.url)
    await send(alice.page, 'A secret for Alice only')
    await runStatus(alice.page, 'completed')
    const [, threadId] = /\/t\/(thread_\w+)/.exec(alice.page.url())!
    const runId = await textOf(alice.page.locator('[data-oai-run-trigger] code').first())
    // A second browser context has its own session cookie: another user.
    const bob = await openPage(browser, `${playground.url}/t/${threadId}?run=${runId}`)
    const alert = bob.page.getByRole('alert').filter({ hasText: 'Thread not found' })
    await alert.waitFor()
    expect(await bob.page.locator('.pg-messages').count()).toBe(0)
    expect(await textOf(bob.page.locator('body'))).not.toContain('A secret for Alice only')
    expect(await bob.page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true)
    for (const path of [
      `/api/runs/threads/${threadId}`,
      `/api/runs/threads/${threadId}/messages`,
      `/api/runs/threads/${threadId}/runs/${runId}`,
      `/api/runs/threads/${threadId}/runs/${runId}/steps`,
    ]) {
      expect((await bob.page.request.get(path)).status(), path).toBe(404)
      expect((await alice.page.request.get(path)).status(), path).toBe(200)
    }
    // Bob cannot post into Alice's thread either, nor rename it.
    const post = await bob.page.request.post(`/api/runs/threads/${threadId}/runs`, {
      data: { assistant_id: 'asst_demo' },
    })
    expect(post.status()).toBe(404)
    const rename = await bob.page.request.patch(`/api/playground/threads/${threadId}`, {
      data: { title: 'x' },
    })
    expect(rename.status()).toBe(404)
    expect(await bob.page.getByRole('navigation', { name: 'Threads' }).getByRole('link').count()).toBe(1) // New chat
    await screenshot(bob.page, '14-other-session-404')
    await alice.context.close()
    await bob.context.close()
  })
})

describe('look and feel', () => {
  test('keyboard only, dark theme, and no serious axe violations', async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'dark',
      reducedMotion: 'reduce',
      bypassCSP: true, // to inject axe-core
    })
    const page = await context.newPage()
    await page.goto(playground.url)
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.waitFor()
    // No theme chosen and a dark OS: the palette follows it (light-dark() under `color-scheme: light dark`);
    // data-oai-theme on <html> forces a scheme, and without it the page follows the OS again.
    const theme = () =>
      page.evaluate(() => ({
        scheme: getComputedStyle(document.documentElement).colorScheme,
        background: getComputedStyle(document.body).backgroundColor,
      }))
    expect(await theme()).toEqual({ scheme: 'light dark', background: 'rgb(20, 23, 31)' })
    await page.evaluate(() => {
      document.documentElement.dataset.oaiTheme = 'light'
    })
    expect(await theme()).toEqual({ scheme: 'light', background: 'rgb(255, 255, 255)' })
    await page.evaluate(() => {
      delete document.documentElement.dataset.oaiTheme
    })
    expect(await theme()).toEqual({ scheme: 'light dark', background: 'rgb(20, 23, 31)' })
    // Skip link first, then the composer by keyboard; an example from the empty state by keyboard too.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the message box')
    await page.getByRole('button', { name: /Run code/ }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => box.inputValue()).toBe('/code print(6 * 7)')
    await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    await runStatus(page, 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toContain('I ran your code')
    const require = createRequire(import.meta.url)
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') })
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (root: Element) => Promise<{ violations: unknown[] }> } }
      ).axe
      const result = await axe.run(document.body)
      return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map(
          (violation) =>
            `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
        )
    })
    expect(violations).toEqual([])
    await screenshot(page, '15-dark-code-run')
    await context.close()
  })

  test('the README screenshot: Markdown, a cited search reply, and a tool call waiting for its output', async () => {
    const { page, context } = await openPage(browser, playground.url, { width: 1440, height: 960 })
    await page.getByRole('button', { name: /Markdown/ }).click()
    // The example lands in the box on the next render: read it once it is there.
    const box = page.getByRole('textbox', { name: 'Message' })
    await expect.poll(() => box.inputValue()).not.toBe('')
    const markdown = await box.inputValue()
    await sendAndWait(page, markdown, 'completed')
    await sendAndWait(page, '/search refund policy', 'completed')
    await sendAndWait(page, '/tool get_weather {"city":"Paris"}', 'requires_action')
    await page.getByRole('button', { name: 'Run tools' }).click()
    await expect
      .poll(() => page.getByRole('textbox', { name: /Output of get_weather/ }).inputValue())
      .toContain('Paris')
    await page.getByRole('textbox', { name: 'Message' }).focus()
    await page.locator('.pg-inspector').evaluate((element) => element.scrollTo(0, 0))
    // All three runs are listed (the newest one too, while it waits for its output).
    await expect.poll(() => page.locator('[data-oai-run-trigger]').count()).toBe(3)
    const path = await screenshot(page, '16-readme')
    expect(statSync(path).size).toBeLessThan(300_000)
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      await page.screenshot({ path: fileURLToPath(new URL('../../docs/playground.png', import.meta.url)) })
    }
    await context.close()
  })
})

test('upstream mode: the page talks only to the proxy, which holds the key; no fault panel', async () => {
  // A "remote" compatible backend that insists on a key, and the playground in front of it.
  const upstream = createRunsServer({ tokenDelayMs: 2, apiKeys: ['sk-upstream-secret'] })
  upstream.seedAssistant(demoAssistant)
  const upstreamListener = await listen(upstream, { host: '127.0.0.1', port: 0 })
  const proxied = await startPlayground({
    upstream: upstreamListener.url,
    apiKey: 'sk-upstream-secret',
    assistantId: 'asst_demo',
  })
  try {
    const { page, context } = await openPage(browser, proxied.url)
    const origins = new Set<string>()
    page.on('request', (request) => origins.add(new URL(request.url()).origin))
    expect(await textOf(page.locator('.pg-mode'))).toContain('through the proxy')
    expect(await page.getByText('Pace and faults').count()).toBe(0)
    await sendAndWait(page, 'Hello upstream', 'completed')
    await expect.poll(() => textOf(assistantBubbles(page).last())).toBe('You said: "Hello upstream"')
    expect([...origins]).toEqual([proxied.url])
    expect(await page.content()).not.toContain('sk-upstream-secret')
    await context.close()
  } finally {
    await proxied.close()
    upstream.close()
    await upstreamListener.close()
  }
})

test('`pnpm start --port 0 --skip-build` serves the built playground and prints its URL', async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const child = spawn('pnpm', ['start', '--port', '0', '--skip-build'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: pnpm, tsx and the server stop together
    env: { ...process.env, OAI_RUNS_UPSTREAM: '' },
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 30_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /oai-runs playground: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) => reject(new Error(`pnpm start exited with ${code}: ${output}`)))
    })
    const { page, context } = await openPage(browser, url)
    expect(await page.title()).toBe('oai-runs playground')
    const config = await (await page.request.get('/api/playground/config')).json()
    expect(config).toMatchObject({ mode: 'embedded', baseURL: '/api/runs', assistantId: 'asst_demo' })
    await context.close()
  } finally {
    if (child.pid && child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM')
    }
  }
}, 60_000)
