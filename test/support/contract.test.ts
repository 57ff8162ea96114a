import OpenAI from 'openai'
import { expect, test } from 'vitest'
import {
  expectNoViolations,
  matchOperation,
  type Violation,
  validateResponseBody,
  validateStreamEvent,
  withContractChecks,
} from './contract'

// Fixtures start from the spec's `x-oaiMeta` examples, corrected where they break the schema:
// RunObject example: `instructions: null` → '' (schema: string) and the missing `required_action: null` added.
const run = {
  id: 'run_abc123',
  object: 'thread.run',
  created_at: 1698107661,
  assistant_id: 'asst_abc123',
  thread_id: 'thread_abc123',
  status: 'completed',
  required_action: null,
  started_at: 1699073476,
  expires_at: null,
  cancelled_at: null,
  failed_at: null,
  completed_at: 1699073498,
  last_error: null,
  model: 'gpt-4o',
  instructions: '',
  tools: [{ type: 'file_search' }, { type: 'code_interpreter' }],
  metadata: {},
  incomplete_details: null,
  usage: { prompt_tokens: 123, completion_tokens: 456, total_tokens: 579 },
  temperature: 1.0,
  top_p: 1.0,
  max_prompt_tokens: 1000,
  max_completion_tokens: 1000,
  truncation_strategy: { type: 'auto', last_messages: null },
  response_format: 'auto',
  tool_choice: 'auto',
  parallel_tool_calls: true,
}
const queuedRun = { ...run, status: 'queued', started_at: null, completed_at: null, usage: null }

// RunStepObject: streaming examples say `expires_at`, the schema requires `expired_at` (and `metadata`).
const step = {
  id: 'step_abc123',
  object: 'thread.run.step',
  created_at: 1699063291,
  run_id: 'run_abc123',
  assistant_id: 'asst_abc123',
  thread_id: 'thread_abc123',
  type: 'message_creation',
  status: 'in_progress',
  cancelled_at: null,
  completed_at: null,
  expired_at: null,
  failed_at: null,
  last_error: null,
  step_details: { type: 'message_creation', message_creation: { message_id: 'msg_abc123' } },
  metadata: {},
  usage: null,
}
const { expired_at: _expiredAt, ...wireStep } = { ...step, expires_at: 1699063891 }

const delta = {
  id: 'msg_abc123',
  object: 'thread.message.delta',
  delta: { content: [{ index: 0, type: 'text', text: { value: 'Héllo 🌍', annotations: [] } }] },
}
// MessageObject example plus the required `status`, `incomplete_details`, `completed_at`, `incomplete_at`.
const message = {
  id: 'msg_abc123',
  object: 'thread.message',
  created_at: 1698983503,
  thread_id: 'thread_abc123',
  status: 'in_progress',
  incomplete_details: null,
  completed_at: null,
  incomplete_at: null,
  role: 'assistant',
  content: [],
  assistant_id: 'asst_abc123',
  run_id: 'run_abc123',
  attachments: [],
  metadata: {},
}
const errorBody = {
  error: { message: "No run found with id 'run_x'.", type: 'invalid_request_error', param: null, code: null },
}

test('matchOperation maps method + URL to operationId and params', () => {
  expect(matchOperation('POST', 'http://127.0.0.1:1234/v1/threads/thread_1/runs?include[]=x')).toEqual({
    operationId: 'createRun',
    params: { thread_id: 'thread_1' },
  })
  expect(matchOperation('post', '/threads/runs')?.operationId).toBe('createThreadAndRun')
  expect(matchOperation('GET', '/v1/threads/runs')?.operationId).toBe('getThread')
  expect(matchOperation('POST', '/v1/threads/t/runs/r/submit_tool_outputs')).toEqual({
    operationId: 'submitToolOuputsToRun',
    params: { thread_id: 't', run_id: 'r' },
  })
  expect(matchOperation('GET', '/v1/threads/t/runs/r/steps/s')?.params).toEqual({
    thread_id: 't',
    run_id: 'r',
    step_id: 's',
  })
  expect(matchOperation('PUT', '/v1/threads/t')).toBeNull()
  expect(matchOperation('GET', '/v1/files')).toBeNull()
})

test('validateResponseBody: RunObject', () => {
  expect(validateResponseBody('getRun', 200, run)).toEqual([])
  expect(validateResponseBody('getRun', 200, { ...run, status: 'running' })).toEqual([
    expect.stringMatching(/^\/status must be equal to one of the allowed values: "queued"/),
  ])
  const { model: _model, ...noModel } = run
  expect(validateResponseBody('getRun', 200, noModel)).toEqual(["(root) must have required property 'model'"])
  expect(validateResponseBody('nope', 200, run)).toEqual(["unknown operationId 'nope'"])
})

test('validateResponseBody: non-200 statuses use ErrorResponse', () => {
  expect(validateResponseBody('getRun', 404, errorBody)).toEqual([])
  expect(validateResponseBody('getRun', 404, { error: 'x' })).toEqual(['/error must be object'])
  expect(validateResponseBody('getRun', 404, run).length).toBeGreaterThan(0)
})

test('validateStreamEvent', () => {
  expect(validateStreamEvent('thread.message.delta', delta)).toEqual([])
  expect(
    validateStreamEvent('thread.message.delta', { ...delta, delta: { content: [{ type: 'text' }] } }),
  ).toContain("/data/delta/content/0 must have required property 'index'")
  expect(validateStreamEvent('thread.message.delta', run).length).toBeGreaterThan(0)
  expect(validateStreamEvent('thread.run.step.created', step)).toEqual([])
  expect(validateStreamEvent('thread.message.created', message)).toEqual([])
  expect(validateStreamEvent('thread.run.step.created', wireStep)).toEqual([
    "/data must have required property 'expired_at'",
  ])
  expect(validateStreamEvent('done', '[DONE]')).toEqual([])
  expect(validateStreamEvent('done', 'DONE')).toHaveLength(1)
  expect(validateStreamEvent('error', errorBody.error)).toEqual([])
  expect(validateStreamEvent('thread.run.running', run)).toEqual([
    "unknown event 'thread.run.running' (not in AssistantStreamEvent)",
  ])
})

test('withContractChecks validates JSON responses of known operations only', async () => {
  const seen: Violation[] = []
  const fetch = withContractChecks(
    async (req) => {
      const url = new URL(req.url)
      if (url.pathname.endsWith('/run_bad')) {
        return Response.json({ ...run, status: 'running' })
      }
      if (url.pathname.endsWith('/run_missing')) {
        return Response.json({ error: 'x' }, { status: 404 })
      }
      if (url.pathname === '/health') {
        return new Response('ok')
      }
      return Response.json(run)
    },
    { onViolation: (v) => seen.push(v) },
  )
  const ok = await fetch('http://127.0.0.1:1234/v1/threads/thread_abc123/runs/run_abc123')
  expect(await ok.json()).toEqual(run)
  expect((await fetch('http://127.0.0.1:1234/health')).status).toBe(200)
  expect(fetch.violations).toEqual([])

  const bad = await fetch(new URL('http://127.0.0.1:1234/v1/threads/t/runs/run_bad'))
  expect((await bad.json()).status).toBe('running') // body still readable by the caller
  await fetch('http://127.0.0.1:1234/v1/threads/t/runs/run_missing', { method: 'GET' })
  expect(fetch.violations).toEqual([
    {
      operationId: 'getRun',
      method: 'GET',
      url: 'http://127.0.0.1:1234/v1/threads/t/runs/run_bad',
      status: 200,
      errors: [expect.stringMatching(/^\/status must be equal to one of the allowed values/)],
    },
    {
      operationId: 'getRun',
      method: 'GET',
      url: 'http://127.0.0.1:1234/v1/threads/t/runs/run_missing',
      status: 404,
      errors: ['/error must be object'],
    },
  ])
  expect(seen).toEqual(fetch.violations)
  expect(() => expectNoViolations(fetch)).toThrow(
    /2 contract violation\(s\):[\s\S]*run_bad[\s\S]*\/error must be object/,
  )
  expect(fetch.violations).toEqual([])
  expect(() => expectNoViolations(fetch)).not.toThrow()
})

const encoder = new TextEncoder()
const sseFrame = (event: string, data: unknown) =>
  `event: ${event}\r\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\r\n\r\n`

/** Splits bytes at the given offsets (and then every 5 bytes), returning a stream of those chunks. */
function chunkedStream(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const offsets = [...cuts]
  for (let at = (cuts.at(-1) ?? 0) + 5; at < bytes.length; at += 5) {
    offsets.push(at)
  }
  const chunks = [0, ...offsets].map((start, i) => bytes.slice(start, offsets[i] ?? bytes.length))
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift()
      if (next === undefined) {
        controller.close()
      } else {
        controller.enqueue(next)
      }
    },
  })
}

async function readAll(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer())
}

test('withContractChecks validates SSE frames across odd chunk splits and passes bytes through', async () => {
  const text =
    ': keep-alive comment\r\n\r\n' +
    sseFrame('thread.run.created', queuedRun) +
    sseFrame('thread.run.step.created', wireStep) + // spec quirk: expires_at instead of expired_at
    'event: thread.message.delta\ndata: ' +
    JSON.stringify(delta) +
    '\n\n' + // LF-only frame
    sseFrame('thread.message.delta', { ...delta, delta: { content: [{ type: 'text' }] } }) +
    sseFrame('thread.run.running', run) +
    sseFrame('thread.run.completed', run) +
    sseFrame('done', '[DONE]')
  const bytes = encoder.encode(text)
  const crlf = text.indexOf('\r\n', 30) // split between \r and \n
  const midLine = text.indexOf('"thread.run"') // split in the middle of a data line
  const emoji = encoder.encode(text.slice(0, text.indexOf('🌍'))).length + 2 // split inside a UTF-8 sequence
  const cuts = [1, 7, crlf + 1, midLine, midLine + 3, emoji].sort((a, b) => a - b)

  const fetch = withContractChecks(
    async () =>
      new Response(chunkedStream(bytes, cuts), {
        headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      }),
  )
  const res = await fetch('http://127.0.0.1:1234/v1/threads/thread_abc123/runs', {
    method: 'POST',
    body: JSON.stringify({ assistant_id: 'asst_abc123', stream: true }),
  })
  expect(fetch.violations).toEqual([]) // frames are checked as the consumer reads them
  expect(await readAll(res)).toEqual(bytes)
  const base = {
    operationId: 'createRun',
    method: 'POST',
    url: 'http://127.0.0.1:1234/v1/threads/thread_abc123/runs',
  }
  expect(fetch.violations).toEqual([
    {
      ...base,
      status: 200,
      event: 'thread.run.step.created',
      errors: ["/data must have required property 'expired_at'"],
    },
    {
      ...base,
      status: 200,
      event: 'thread.message.delta',
      errors: expect.arrayContaining(["/data/delta/content/0 must have required property 'index'"]),
    },
    {
      ...base,
      status: 200,
      event: 'thread.run.running',
      errors: ["unknown event 'thread.run.running' (not in AssistantStreamEvent)"],
    },
  ])
})

test('withContractChecks flags broken streams: bad JSON, frame after done, missing done, unterminated frame', async () => {
  const streams = [
    sseFrame('thread.run.completed', `${JSON.stringify(run)}}`) + sseFrame('done', '[DONE]'),
    sseFrame('done', '[DONE]') + sseFrame('thread.run.completed', run),
    sseFrame('thread.run.completed', run),
    `${sseFrame('thread.run.completed', run)}event: done\r\ndata: [DONE]`,
  ]
  let i = 0
  const fetch = withContractChecks(
    async () =>
      new Response(chunkedStream(encoder.encode(streams[i++] ?? ''), [3]), {
        headers: { 'content-type': 'text/event-stream' },
      }),
  )
  for (const _ of streams) {
    await readAll(await fetch('http://h/v1/threads/runs', { method: 'POST', body: '{}' }))
  }
  expect(fetch.violations.map((v) => [v.event, v.errors])).toEqual([
    ['thread.run.completed', [expect.stringMatching(/^data is not valid JSON/)]],
    ['thread.run.completed', ['frame after `done`']],
    [undefined, ['stream ended without `event: done`']],
    [undefined, ['stream ended mid-frame (no blank line after the last frame)']],
    [undefined, ['stream ended without `event: done`']],
  ])
})

test('works as the fetch option of the openai SDK (JSON and streaming)', async () => {
  const fetch = withContractChecks(async (req) => {
    if (req.method === 'GET') {
      return Response.json(run)
    }
    const body =
      sseFrame('thread.run.created', queuedRun) +
      sseFrame('thread.message.created', message) +
      sseFrame('thread.message.delta', delta) +
      sseFrame('thread.run.completed', run) +
      sseFrame('done', '[DONE]')
    return new Response(chunkedStream(encoder.encode(body), [11]), {
      headers: { 'content-type': 'text/event-stream' },
    })
  })
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:1/v1', fetch, maxRetries: 0 })
  expect(await client.beta.threads.runs.retrieve('run_abc123', { thread_id: 'thread_abc123' })).toEqual(run)
  const events: string[] = []
  for await (const e of client.beta.threads.runs.stream('thread_abc123', { assistant_id: 'asst_abc123' })) {
    events.push(e.event)
  }
  expect(events).toEqual([
    'thread.run.created',
    'thread.message.created',
    'thread.message.delta',
    'thread.run.completed',
  ])
  expectNoViolations(fetch)
})
