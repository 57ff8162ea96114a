// Two `pnpm server --db postgres://…` processes (A and B) on one database, driven by the official `openai` SDK over
// real HTTP: what one instance writes the other reads and streams, one active run per thread across both, a tool
// call answered on the other instance, identical pages, and a SIGKILLed instance whose run the other one fails.
// The CLI runs as `node --import tsx packages/server/src/cli.ts` (what `pnpm server` runs, minus pnpm and the tsx
// wrapper process), so SIGKILL hits the server process itself. No timed assertions: bounded polls and counts.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import OpenAI, { APIError } from 'openai'
import type { Message } from 'openai/resources/beta/threads/messages'
import type { Run } from 'openai/resources/beta/threads/runs/runs'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { expectNoViolations, wrapNodeFetch } from './support/contract'
import { clusterStart, createTestDatabase, type TestDatabase } from './support/postgres'

const root = fileURLToPath(new URL('..', import.meta.url))
const ASSISTANT = 'asst_demo'
const contractFetch = wrapNodeFetch()
const children = new Set<ChildProcess>()

/** One server process and an SDK client of it. */
interface Instance {
  readonly name: string
  readonly url: string
  readonly child: ChildProcess
  readonly openai: OpenAI
  output(): string
}

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: url, apiKey: 'test-key', fetch: contractFetch, maxRetries: 0 })
}

/** Starts the CLI on `db` with a free port; resolves once it printed its URL and demo assistant. */
function startInstance(name: string, db: string, extra: string[] = []): Promise<Instance> {
  const args = ['--import', 'tsx', 'packages/server/src/cli.ts', '--db', db, '--port', '0', ...extra]
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
      const assistant = /demo assistant: (\S+)/.exec(output)?.[1]
      if (url && assistant) {
        clearTimeout(timer)
        resolve({ name, url, child, openai: client(url), output: () => output })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
}

/** Sends `signal` to the instance's process group and waits until the process is gone. */
function stopInstance(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const { child } = instance
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-(child.pid as number), signal)
  } catch {
    // already gone
  }
  return exited
}

afterAll(async () => {
  // Whatever a failed test left running.
  await Promise.all(
    [...children].map((child) => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {
        // already gone
      }
      return new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))
    }),
  )
})

afterEach(() => expectNoViolations(contractFetch))

/** Polls `read` until `done` holds for its value, at most `attempts` times `intervalMs` apart. */
async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { attempts = 400, intervalMs = 25 } = {},
): Promise<T> {
  let last: T | undefined
  for (let attempt = 0; attempt < attempts; attempt++) {
    last = await read()
    if (done(last)) {
      return last
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`${what}: not reached after ${attempts} polls; last: ${JSON.stringify(last)}`)
}

const terminal = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete'])

function retrieveRun(on: Instance, threadId: string, runId: string): Promise<Run> {
  return on.openai.beta.threads.runs.retrieve(runId, { thread_id: threadId })
}

function ended(on: Instance, threadId: string, runId: string): Promise<Run> {
  return pollUntil(
    `${runId} ends on ${on.name}`,
    () => retrieveRun(on, threadId, runId),
    (run) => terminal.has(run.status),
  )
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

function textOf(message: Message | undefined): string {
  const part = message?.content[0]
  return part?.type === 'text' ? part.text.value : ''
}

/** Everything both instances list about a thread (every page, asc), to compare A with B. */
async function threadState(on: Instance, threadId: string) {
  const beta = on.openai.beta.threads
  const thread = await beta.retrieve(threadId)
  const messages: Message[] = []
  for await (const message of beta.messages.list(threadId, { order: 'asc', limit: 3 })) {
    messages.push(message)
  }
  const runs: Run[] = []
  for await (const run of beta.runs.list(threadId, { order: 'asc', limit: 3 })) {
    runs.push(run)
  }
  const steps = await Promise.all(
    runs.map(async (run) => (await beta.runs.steps.list(run.id, { thread_id: threadId, order: 'asc' })).data),
  )
  return { thread, messages, runs, steps }
}

describe('two instances on one database', () => {
  let db: TestDatabase
  let a: Instance
  let b: Instance

  beforeAll(async () => {
    db = await createTestDatabase()
    // Started one after the other, then together would also do: the migration takes an advisory lock.
    ;[a, b] = await Promise.all([
      startInstance('A', db.url, ['--token-delay-ms', '20']),
      startInstance('B', db.url, ['--token-delay-ms', '20']),
    ])
  }, clusterStart)

  afterAll(async () => {
    await Promise.all([a && stopInstance(a), b && stopInstance(b)])
    await db?.drop()
  })

  test('a thread and a run streaming on A are listed and retrieved on B; a second run through B gets the 400', async () => {
    const thread = await a.openai.beta.threads.create({ messages: [{ role: 'user', content: '/long 120' }] })
    const stream = a.openai.beta.threads.runs.stream(thread.id, { assistant_id: ASSISTANT })
    let deltas = 0
    stream.on('textDelta', () => deltas++)
    const inProgress = new Promise<Run>((resolve) => {
      stream.on('event', (event) => {
        if (event.event === 'thread.run.in_progress') {
          resolve(event.data)
        }
      })
    })
    const finished = stream.finalRun()
    const started = await inProgress

    // B sees the thread, the run in progress (retrieved and listed), and the user message.
    expect((await b.openai.beta.threads.retrieve(thread.id)).id).toBe(thread.id)
    const seen = await pollUntil(
      'B retrieves the run in progress',
      () => retrieveRun(b, thread.id, started.id),
      (run) => run.status !== 'queued',
    )
    expect(seen.status).toBe('in_progress')
    const listed = await b.openai.beta.threads.runs.list(thread.id)
    expect(listed.data.map((run) => [run.id, run.status])).toEqual([[started.id, 'in_progress']])
    const messages = await b.openai.beta.threads.messages.list(thread.id, { order: 'asc' })
    expect(textOf(messages.data[0])).toBe('/long 120')

    // One active run per thread, whichever instance is asked.
    const second = await caught(b.openai.beta.threads.runs.create(thread.id, { assistant_id: ASSISTANT }))
    expect(second).toBeInstanceOf(APIError)
    expect((second as APIError).status).toBe(400)
    expect((second as APIError).message).toContain(
      `Thread ${thread.id} already has an active run ${started.id}`,
    )

    const run = await finished
    expect(run.status).toBe('completed')
    expect(deltas).toBe(120)
    // What A streamed is what B reads.
    expect((await ended(b, thread.id, run.id)).status).toBe('completed')
    const reply = (await b.openai.beta.threads.messages.list(thread.id)).data[0]
    expect(reply?.status).toBe('completed')
    expect(textOf(reply).split(' ')).toHaveLength(120)
    expect(await threadState(b, thread.id)).toEqual(await threadState(a, thread.id))
  }, 60_000)

  test('a tool call made on A is answered through B; both read the same steps and messages', async () => {
    const created = await a.openai.beta.threads.createAndRunPoll(
      {
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
      },
      { pollIntervalMs: 20 },
    )
    expect(created.status).toBe('requires_action')
    const threadId = created.thread_id
    const onB = await pollUntil(
      'B sees requires_action',
      () => retrieveRun(b, threadId, created.id),
      (run) => run.status === 'requires_action',
    )
    const call = onB.required_action?.submit_tool_outputs.tool_calls[0]
    expect(call?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })

    // A run waiting on tools is active: a run through B is refused here too.
    const second = await caught(b.openai.beta.threads.runs.create(threadId, { assistant_id: ASSISTANT }))
    expect((second as APIError).status).toBe(400)
    expect((second as APIError).message).toContain(
      `Thread ${threadId} already has an active run ${created.id}`,
    )

    const submitted = await b.openai.beta.threads.runs.submitToolOutputs(created.id, {
      thread_id: threadId,
      tool_outputs: [{ tool_call_id: call?.id ?? '', output: '18°C and sunny' }],
    })
    expect(submitted.id).toBe(created.id)
    expect((await ended(b, threadId, created.id)).status).toBe('completed')
    expect((await ended(a, threadId, created.id)).status).toBe('completed')

    const fromA = await threadState(a, threadId)
    const fromB = await threadState(b, threadId)
    expect(fromB).toEqual(fromA)
    expect(fromA.messages.map((message) => [message.role, textOf(message), message.status])).toEqual([
      ['user', '/tool get_weather {"city":"Paris"}', 'completed'],
      ['assistant', 'Tool results: get_weather returned "18°C and sunny".', 'completed'],
    ])
    const [toolStep, messageStep] = fromA.steps[0] ?? []
    expect([toolStep?.type, toolStep?.status, messageStep?.type, messageStep?.status]).toEqual([
      'tool_calls',
      'completed',
      'message_creation',
      'completed',
    ])
    const stepCall =
      toolStep?.step_details.type === 'tool_calls' ? toolStep.step_details.tool_calls[0] : undefined
    expect(stepCall?.type === 'function' ? stepCall.function.output : undefined).toBe('18°C and sunny')
  }, 60_000)

  test('runs created alternately on A and B page the same on both (limit, order, after, before)', async () => {
    const thread = await b.openai.beta.threads.create()
    const ids: string[] = [] // oldest first
    for (let index = 0; index < 7; index++) {
      const on = index % 2 === 0 ? a : b
      const run = await on.openai.beta.threads.runs.createAndPoll(
        thread.id,
        { assistant_id: ASSISTANT, additional_messages: [{ role: 'user', content: `run ${index}` }] },
        { pollIntervalMs: 20 },
      )
      expect(run.status).toBe('completed')
      ids.push(run.id)
    }
    let pages = 0
    for (const limit of [2, 3]) {
      for (const order of ['asc', 'desc'] as const) {
        const ordered = order === 'asc' ? ids : [...ids].reverse()
        const cursors: Array<{ after?: string; before?: string }> = [
          {},
          ...ids.map((id) => ({ after: id })),
          ...ids.map((id) => ({ before: id })),
        ]
        for (const cursor of cursors) {
          const query = { limit, order, ...cursor }
          const [pageA, pageB] = await Promise.all(
            [a, b].map((on) => on.openai.beta.threads.runs.list(thread.id, query)),
          )
          const summary = (page: typeof pageA) => ({
            ids: page?.data.map((run) => run.id),
            has_more: page?.has_more,
          })
          expect(summary(pageB), JSON.stringify(query)).toEqual(summary(pageA))
          expect(pageB?.data, JSON.stringify(query)).toEqual(pageA?.data)
          // And the page is the slice of the creation order the cursor names.
          const at = cursor.after ?? cursor.before
          const index = at === undefined ? -1 : ordered.indexOf(at)
          const expected = cursor.before
            ? ordered.slice(Math.max(0, index - limit), index)
            : ordered.slice(index + 1, index + 1 + limit)
          expect(summary(pageA).ids, JSON.stringify(query)).toEqual(expected)
          pages++
        }
      }
    }
    expect(pages).toBe(2 * 2 * 15)
  }, 60_000)
})

describe('an instance killed mid-run', () => {
  const ttlMs = 1500
  let db: TestDatabase
  let a: Instance
  let b: Instance

  beforeAll(async () => {
    db = await createTestDatabase()
    const flags = ['--token-delay-ms', '20', '--lease-ttl-ms', String(ttlMs)]
    ;[a, b] = await Promise.all([startInstance('A', db.url, flags), startInstance('B', db.url, flags)])
  }, clusterStart)

  afterAll(async () => {
    await Promise.all([a && stopInstance(a), b && stopInstance(b)])
    await db?.drop()
  })

  test('kill -9 of A mid-run: B fails the run after the lease lapses; A restarted serves the same state', async () => {
    const thread = await a.openai.beta.threads.create({ messages: [{ role: 'user', content: '/long 5000' }] })
    const stream = a.openai.beta.threads.runs.stream(thread.id, { assistant_id: ASSISTANT })
    const streamEnded = stream.done().then(
      () => 'ended',
      () => 'broken',
    )
    let deltas = 0
    const someText = new Promise<void>((resolve) => {
      stream.on('textDelta', () => {
        if (++deltas === 20) {
          resolve()
        }
      })
    })
    const run = await new Promise<Run>((resolve) => {
      stream.on('event', (event) => {
        if (event.event === 'thread.run.created') {
          resolve(event.data)
        }
      })
    })
    await someText
    await pollUntil(
      'B sees the run in progress',
      () => retrieveRun(b, thread.id, run.id),
      (seen) => seen.status === 'in_progress',
    )

    const killed = await stopInstance(a, 'SIGKILL').then(() => a.child.signalCode)
    expect(killed).toBe('SIGKILL')
    expect(await streamEnded).toBe('broken')

    // Claims run every TTL/2 and fail a run whose lease lapsed: poll for up to 10× the TTL.
    const final = await pollUntil(
      'B fails the run of the dead instance',
      () => retrieveRun(b, thread.id, run.id),
      (seen) => terminal.has(seen.status),
      { attempts: Math.ceil((10 * ttlMs) / 100), intervalMs: 100 },
    )
    expect(final.status).toBe('failed')
    expect(final.last_error?.code).toBe('server_error')
    expect(final.last_error?.message).toMatch(/^The server instance running this run stopped/)
    const reply = (await b.openai.beta.threads.messages.list(thread.id)).data[0]
    expect(reply?.role).toBe('assistant')
    expect(reply?.status).toBe('incomplete')

    // A restarted on the same database: the same thread, messages, runs and steps as B lists.
    a = await startInstance('A', db.url, ['--token-delay-ms', '20', '--lease-ttl-ms', String(ttlMs)])
    const fromB = await threadState(b, thread.id)
    expect(await threadState(a, thread.id)).toEqual(fromB)
    expect(fromB.runs.map((item) => [item.id, item.status])).toEqual([[run.id, 'failed']])
    expect(fromB.messages.map((message) => message.role)).toEqual(['user', 'assistant'])
    expect(fromB.steps[0]?.length).toBeGreaterThan(0)
  }, 90_000)
})
