// `pnpm server` as the README gives it: starts on loopback, prints the base URL and the demo assistant, serves.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterEach, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
let child: ChildProcess | undefined

afterEach(() => {
  // pnpm starts tsx, which starts node: end the whole process group, not just pnpm.
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  child = undefined
})

function start(args: string[]): Promise<{ url: string; assistant: string; output: () => string }> {
  child = spawn('pnpm', ['--silent', 'server', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
      const assistant = /demo assistant: (\S+)/.exec(output)?.[1]
      if (url && assistant) {
        clearTimeout(timer)
        resolve({ url, assistant, output: () => output })
      }
    }
    child!.stdout!.on('data', onData)
    child!.stderr!.on('data', onData)
    child!.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
}

test('pnpm server --port 0 picks a free loopback port, prints it, and serves the API with a demo assistant', async () => {
  const { url, assistant } = await start(['--port', '0', '--token-delay-ms', '0'])
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
  expect(assistant).toBe('asst_demo')
  const seeded = await (await fetch(`${url}/assistants/${assistant}`)).json()
  expect(seeded.tools.map((tool: { type: string }) => tool.type)).toEqual([
    'function',
    'function',
    'code_interpreter',
    'file_search',
  ])
  const response = await fetch(`${url}/threads/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      assistant_id: assistant,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'ping' }] },
    }),
  })
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/)
  expect(response.headers.get('content-encoding')).not.toMatch(/gzip|br|deflate/)
  const body = await response.text()
  expect(body).toContain('event: thread.run.completed')
  expect(body.trimEnd().endsWith('event: done\ndata: [DONE]')).toBe(true)
})

test('the CLI flags reach the server: --api-key and --fault', async () => {
  const { url } = await start([
    '--port',
    '0',
    '--api-key',
    'sk-cli-test',
    '--fault',
    '{"operation":"listAssistants","status":503,"retryAfterMs":5}',
  ])
  expect((await fetch(`${url}/assistants`)).status).toBe(401)
  const faulted = await fetch(`${url}/assistants`, { headers: { authorization: 'Bearer sk-cli-test' } })
  expect(faulted.status).toBe(503)
  expect(faulted.headers.get('retry-after-ms')).toBe('5')
  expect(
    (await fetch(`${url}/assistants`, { headers: { authorization: 'Bearer sk-cli-test' } })).status,
  ).toBe(200)
})

test('bad CLI input exits with a message, not a stack trace', async () => {
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const bad = spawn('pnpm', ['--silent', 'server', '--port', 'abc'], { cwd: root })
    let output = ''
    bad.stdout.on('data', (chunk) => {
      output += chunk
    })
    bad.stderr.on('data', (chunk) => {
      output += chunk
    })
    bad.on('exit', (code) => resolve({ code, output }))
  })
  expect(result.code).not.toBe(0)
  expect(result.output).toContain('--port must be a non-negative number, got "abc"')
})

test('the server bundles for the browser: no Node built-ins in the fetch handler', async () => {
  const result = await build({
    entryPoints: [`${root}packages/server/src/index.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.text
  expect(code).not.toMatch(/from\s*["']node:/)
  expect(code).toContain('createRunsServer')
})
