// The bench page's entry: puts `window.__bench` up for the bench process (bench/browser/run.ts), which mounts one
// case at a time over a fresh in-page Runs server, measures its stream, and unmounts it.
// @ts-expect-error TS2882: a side-effect CSS import, bundled by esbuild
import '@oai-runs/components/styles.css'
// @ts-expect-error TS2882: as above
import '@oai-runs/components/devtools.css'
// @ts-expect-error TS2882: as above
import '../../../playground/src/styles.css'
import { createRoot, type Root } from 'react-dom/client'
import { type BenchServer, type ServerMode, startBenchServer } from './bench-server.ts'
import { type CaseHandle, caseTree, type StreamCase } from './cases.tsx'
import { measure, type WindowResult, waitFor } from './meter.ts'
import { parseSpeed } from './parse-speed.ts'
import { playgroundBackend } from './playground-shim.ts'
import { generateReply, REPLY_SENTINEL, tokenizeReply } from './reply.ts'

/** A measured stream: the window's figures, the reply's size and whether the page showed all of it. */
export type CaseResult = WindowResult & { tokens: number; replyBytes: number }

type Mounted = {
  name: StreamCase
  root: Root
  container: HTMLElement
  server: BenchServer
  handle: CaseHandle
}

let mounted: Mounted | null = null
const pageFetch = globalThis.fetch.bind(globalThis)
let reply = { bytes: 0, text: '', tokens: [] as string[] }

function replyOf(bytes: number) {
  if (reply.bytes !== bytes) {
    const text = generateReply(bytes)
    reply = { bytes, text, tokens: tokenizeReply(text) }
  }
  return reply
}

/** Settings of one mount: the reply's size, the pace, where the server runs. */
export type PrepareOptions = { replyBytes: number; msPerToken: number; server: ServerMode }

/**
 * Mounts one case over a new bench server (a fresh store) and waits until it can start. The pace is the model's
 * (`msPerToken` per token on a wall-clock schedule, see replyModel); the server's own per-token delay is 0.
 */
async function prepare(name: StreamCase, options: PrepareOptions): Promise<void> {
  await cleanup()
  replyOf(options.replyBytes)
  const server = await startBenchServer(options.server, options.replyBytes, options.msPerToken)
  globalThis.fetch = name === 'playground' ? playgroundBackend(server) : pageFetch
  window.history.replaceState(null, '', '/')
  sessionStorage.clear()
  const container = document.createElement('div')
  container.id = 'root'
  document.body.appendChild(container)
  const handle: CaseHandle = { done: false, error: null }
  const root = createRoot(container)
  root.render(caseTree(name, server, handle))
  mounted = { name, root, container, server, handle }
  if (name === 'playground') {
    await waitFor(() => !!composer() && !composer()!.disabled, 'the playground composer')
  } else {
    await waitFor(() => !!handle.start, `the ${name} case mounting`)
  }
}

const composer = () => document.querySelector<HTMLTextAreaElement>('#pg-composer-input')

// Types into the playground's composer as a user would (React sees an input event), then sends once it can.
async function typeMessage(text: string): Promise<HTMLButtonElement> {
  const box = composer()!
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(box, text)
  box.dispatchEvent(new Event('input', { bubbles: true }))
  const button = () => document.querySelector<HTMLButtonElement>('.pg-composer button[type="submit"]')
  await waitFor(() => !!button() && !button()!.disabled, 'the Send button enabling')
  return button()!
}

/** Streams the mounted case's run and measures it until the page shows the reply's last paragraph. */
async function run(maxMs: number): Promise<CaseResult> {
  const current = mounted
  if (!current) {
    throw new Error('bench page: run() before prepare()')
  }
  const { container, handle, name } = current
  const send = name === 'playground' ? await typeMessage('Write the long reply.') : null
  const finished =
    name === 'playground'
      ? () => !!document.querySelector('.pg-run-viewer[data-state="completed"]')
      : () => handle.done
  const shown = () => finished() && (container.textContent ?? '').includes(REPLY_SENTINEL)
  const result = await measure(
    () => shown() || !!handle.error,
    maxMs,
    () => (send ? send.click() : handle.start!()),
  )
  if (handle.error) {
    throw new Error(`bench page: the ${name} stream failed: ${handle.error.message}`)
  }
  if (!shown()) {
    throw new Error(`bench page: the ${name} case did not show the whole reply within ${maxMs} ms`)
  }
  if (name === 'floor' && container.querySelector('pre')?.textContent !== reply.text) {
    throw new Error('bench page: the floor case shows a different text than the reply')
  }
  return { ...result, tokens: reply.tokens.length, replyBytes: reply.text.length }
}

/** The playground mounted with nothing streaming: frames for `ms`. */
async function idle(ms: number, options: PrepareOptions): Promise<WindowResult> {
  await prepare('playground', options)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const started = performance.now()
  return measure(() => performance.now() - started > ms, ms + 1000)
}

async function cleanup(): Promise<void> {
  if (mounted) {
    mounted.root.unmount()
    mounted.container.remove()
    mounted.server.close()
    mounted = null
  }
}

const bench = { prepare, run, idle, cleanup, parseSpeed }

/** The API the bench process calls with page.evaluate. */
export type BenchPage = typeof bench

;(window as unknown as { __bench: BenchPage }).__bench = bench
document.documentElement.dataset.benchReady = 'true'
