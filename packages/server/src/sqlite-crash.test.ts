// `pnpm server --db PATH` killed with SIGKILL in the middle of a run, then started again on the same file:
// what the next process serves.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'

// The driver the CLI's store picks ('auto'), from the Node version alone: node:sqlite on 22.13+ / 23.4+.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const driver =
  major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13)
    ? 'node:sqlite'
    : 'better-sqlite3'
const root = fileURLToPath(new URL('../../..', import.meta.url))
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
const children: ChildProcess[] = []
const dirs: string[] = []

afterEach(() => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL')
  }
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** Starts the CLI as one Node process (so SIGKILL hits the server itself) and waits for its banner. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
      if (url && /database: /.test(output)) {
        clearTimeout(timer)
        resolve({ child, url, output: () => output })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}):\n${output}`)))
  })
}

function api(url: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    // biome-ignore lint/suspicious/noExplicitAny: the test reads API bodies loosely.
    return { status: response.status, body: (await response.json()) as any }
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = await read()
    if (done(value)) {
      return value
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

test('SIGKILL mid-run: the next start serves every object, fails the interrupted run, keeps the waiting one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oai-runs-crash-'))
  dirs.push(dir)
  const db = join(dir, 'runs.db')
  const first = await start(['--db', db, '--token-delay-ms', '20'])
  expect(first.output()).toContain(`database: ${db} on ${driver} (0 interrupted run(s) marked failed)`)
  const call = api(first.url)
  const runOn = async (content: string) => {
    const { body } = await call('POST', '/threads/runs', {
      assistant_id: 'asst_demo',
      thread: { messages: [{ role: 'user', content }] },
    })
    return body as { id: string; thread_id: string }
  }
  const runStatus = (run: { id: string; thread_id: string }) => async () =>
    (await call('GET', `/threads/${run.thread_id}/runs/${run.id}`)).body.status as string

  const finished = await runOn('Hello')
  await until(runStatus(finished), (status) => status === 'completed', 'the first run')
  const waiting = await runOn('/tool get_weather {"city":"Paris"}')
  await until(runStatus(waiting), (status) => status === 'requires_action', 'requires_action')
  const busy = await runOn('/long 400')
  const partial = await until(
    async () => (await call('GET', `/threads/${busy.thread_id}/messages?order=asc`)).body.data,
    (messages) => (messages[1]?.content[0]?.text.value.split(' ').length ?? 0) >= 5,
    'a few streamed tokens',
  )
  expect(partial[1].status).toBe('in_progress')

  // A second server on the same file, while the first runs, refuses to start and says why.
  await expect(start(['--db', db])).rejects.toThrow(/in use by another server/)

  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))

  const second = await start(['--db', db, '--token-delay-ms', '0'])
  expect(second.output()).toContain(`on ${driver} (1 interrupted run(s) marked failed)`)
  const again = api(second.url)

  // The completed run and its thread are served as before.
  const done = await again('GET', `/threads/${finished.thread_id}/runs/${finished.id}`)
  expect(done.body.status).toBe('completed')
  const doneMessages = (await again('GET', `/threads/${finished.thread_id}/messages?order=asc`)).body.data
  expect(
    doneMessages.map((message: { content: { text: { value: string } }[] }) => message.content[0]!.text.value),
  ).toEqual(['Hello', 'You said: "Hello"'])

  // The interrupted run is failed with a clear error; its half message is incomplete; its step points at it.
  const failed = (await again('GET', `/threads/${busy.thread_id}/runs/${busy.id}`)).body
  expect(failed.status).toBe('failed')
  expect(failed.last_error.code).toBe('server_error')
  expect(failed.last_error.message).toMatch(/server stopped while this run was in progress/)
  const steps = (await again('GET', `/threads/${busy.thread_id}/runs/${busy.id}/steps`)).body.data
  expect(steps).toHaveLength(1)
  expect(steps[0].status).toBe('failed')
  const written = await again(
    'GET',
    `/threads/${busy.thread_id}/messages/${steps[0].step_details.message_creation.message_id}`,
  )
  expect(written.status).toBe(200)
  expect(written.body.status).toBe('incomplete')
  expect(written.body.incomplete_details).toEqual({ reason: 'run_failed' })
  expect(written.body.content[0].text.value.startsWith(partial[1].content[0].text.value)).toBe(true)

  // The waiting run stayed requires_action and can be answered.
  const stillWaiting = (await again('GET', `/threads/${waiting.thread_id}/runs/${waiting.id}`)).body
  expect(stillWaiting.status).toBe('requires_action')
  const [toolCall] = stillWaiting.required_action.submit_tool_outputs.tool_calls
  await again('POST', `/threads/${waiting.thread_id}/runs/${waiting.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: toolCall.id, output: 'sunny' }],
  })
  const answered = api(second.url)
  await until(
    async () => (await answered('GET', `/threads/${waiting.thread_id}/runs/${waiting.id}`)).body.status,
    (status) => status === 'completed',
    'the answered run',
  )

  // The interrupted thread is free for a new run.
  const next = await again('POST', `/threads/${busy.thread_id}/runs`, { assistant_id: 'asst_demo' })
  expect(next.status).toBe(200)
}, 40_000)
