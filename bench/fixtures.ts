// A realistic, deterministic assistant run stream: one run whose messages arrive as many small text deltas,
// interleaved with code-interpreter steps whose input arrives as step deltas, and the full run, step and message
// objects a real stream carries. The same bytes feed every parser, cut into random 1–4 KiB chunks (a cut may
// split a multi-byte character).

/** mulberry32: a tiny deterministic PRNG, so every machine measures the same stream. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type StreamFixture = {
  /** The SSE bytes, cut into chunks. */
  chunks: Uint8Array[]
  /** The `data:` payload of every event, in order (the input of the JSON.parse floor). */
  payloads: string[]
  /** Every event as the server sent it (event name + data), for the reducer-only figure. */
  events: { event: string; data: unknown }[]
  bytes: number
  /** The ids and final text of each message, to check that a parser really folded everything. */
  messages: Map<string, string>
  counts: Record<string, number>
}

// Token-sized pieces of text, a few of them non-ASCII so chunk cuts split multi-byte characters.
const WORDS = [
  ' the',
  ' run',
  ' stream',
  ' of',
  ' and',
  ' a',
  ' to',
  ' result',
  ' is',
  ' value',
  '.',
  ',',
  ' data',
  ' in',
  ' café',
  ' naïve',
  ' —',
  ' 日本',
  ' 🙂',
  '\n\n',
  ' "quoted"',
  ' x',
  ' 42',
]
const CODE = [
  'import',
  ' numpy',
  ' as',
  ' np',
  '\n',
  'x',
  ' =',
  ' np',
  '.arange',
  '(10)',
  '\n',
  'print',
  '(x)',
]

const THREAD = 'thread_bench0001'
const RUN = 'run_bench0001'
const ASSISTANT = 'asst_bench0001'
const CREATED = 1_760_000_000

function runObject(status: string) {
  return {
    id: RUN,
    object: 'thread.run',
    created_at: CREATED,
    assistant_id: ASSISTANT,
    thread_id: THREAD,
    status,
    started_at: status === 'queued' ? null : CREATED,
    expires_at: status === 'completed' ? null : CREATED + 600,
    cancelled_at: null,
    failed_at: null,
    completed_at: status === 'completed' ? CREATED + 60 : null,
    required_action: null,
    last_error: null,
    model: 'gpt-4o',
    instructions: 'You are a helpful assistant. Answer with care and cite your sources.',
    tools: [
      { type: 'code_interpreter' },
      {
        type: 'function',
        function: {
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
      },
    ],
    tool_resources: {},
    metadata: {},
    temperature: 1,
    top_p: 1,
    max_completion_tokens: null,
    max_prompt_tokens: null,
    truncation_strategy: { type: 'auto', last_messages: null },
    incomplete_details: null,
    usage:
      status === 'completed'
        ? { prompt_tokens: 812, completion_tokens: 190_000, total_tokens: 190_812 }
        : null,
    response_format: 'auto',
    tool_choice: 'auto',
    parallel_tool_calls: true,
  }
}

function stepObject(id: string, status: string, details: unknown) {
  return {
    id,
    object: 'thread.run.step',
    created_at: CREATED,
    run_id: RUN,
    assistant_id: ASSISTANT,
    thread_id: THREAD,
    type: (details as { type: string }).type,
    status,
    cancelled_at: null,
    completed_at: status === 'completed' ? CREATED + 1 : null,
    expires_at: CREATED + 600,
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: status === 'completed' ? { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } : null,
  }
}

function messageObject(id: string, status: string, text: string | null) {
  return {
    id,
    object: 'thread.message',
    created_at: CREATED,
    assistant_id: ASSISTANT,
    thread_id: THREAD,
    run_id: RUN,
    status,
    incomplete_details: null,
    incomplete_at: null,
    completed_at: status === 'completed' ? CREATED + 2 : null,
    role: 'assistant',
    content: text === null ? [] : [{ type: 'text', text: { value: text, annotations: [] } }],
    attachments: [],
    metadata: {},
  }
}

/** Generates a stream of about `eventCount` events (exactly, give or take one closing segment). */
export function generateRunStream(
  options: { eventCount?: number; seed?: number; minChunk?: number; maxChunk?: number } = {},
): StreamFixture {
  const { eventCount = 200_000, seed = 7, minChunk = 1024, maxChunk = 4096 } = options
  const random = createRandom(seed)
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))

  const events: { event: string; data: unknown }[] = []
  const messages = new Map<string, string>()
  const emit = (event: string, data: unknown) => events.push({ event, data })
  let serial = 0
  const nextId = (prefix: string) => `${prefix}_${(++serial).toString(36).padStart(20, '0')}`

  emit('thread.run.created', runObject('queued'))
  emit('thread.run.queued', runObject('queued'))
  emit('thread.run.in_progress', runObject('in_progress'))

  // The closing events (run completed, done) are reserved; segments stop once the budget is spent.
  while (events.length < eventCount - 2) {
    const budget = eventCount - 2 - events.length
    if (random() < 0.3 && budget > 10) {
      // A code-interpreter step: the input streams as step deltas, then the logs arrive in one delta.
      const stepId = nextId('step')
      const callId = nextId('call')
      const pieces = Math.min(between(20, 300), budget - 6)
      emit(
        'thread.run.step.created',
        stepObject(stepId, 'in_progress', { type: 'tool_calls', tool_calls: [] }),
      )
      emit(
        'thread.run.step.in_progress',
        stepObject(stepId, 'in_progress', { type: 'tool_calls', tool_calls: [] }),
      )
      const delta = (call: unknown) => ({
        id: stepId,
        object: 'thread.run.step.delta',
        delta: { step_details: { type: 'tool_calls', tool_calls: [call] } },
      })
      emit(
        'thread.run.step.delta',
        delta({
          index: 0,
          id: callId,
          type: 'code_interpreter',
          code_interpreter: { input: '', outputs: [] },
        }),
      )
      let input = ''
      for (let i = 0; i < pieces; i++) {
        const piece = pick(CODE)
        input += piece
        emit(
          'thread.run.step.delta',
          delta({ index: 0, type: 'code_interpreter', code_interpreter: { input: piece } }),
        )
      }
      const logs = '[0 1 2 3 4 5 6 7 8 9]\n'
      emit(
        'thread.run.step.delta',
        delta({
          index: 0,
          type: 'code_interpreter',
          code_interpreter: { outputs: [{ index: 0, type: 'logs', logs }] },
        }),
      )
      emit(
        'thread.run.step.completed',
        stepObject(stepId, 'completed', {
          type: 'tool_calls',
          tool_calls: [
            {
              id: callId,
              type: 'code_interpreter',
              code_interpreter: { input, outputs: [{ type: 'logs', logs }] },
            },
          ],
        }),
      )
      continue
    }
    // An assistant message: step created, message created, many text deltas, message and step completed.
    const stepId = nextId('step')
    const messageId = nextId('msg')
    const details = { type: 'message_creation', message_creation: { message_id: messageId } }
    const tokens = Math.max(1, Math.min(between(500, 8000), budget - 6))
    emit('thread.run.step.created', stepObject(stepId, 'in_progress', details))
    emit('thread.run.step.in_progress', stepObject(stepId, 'in_progress', details))
    emit('thread.message.created', messageObject(messageId, 'in_progress', null))
    emit('thread.message.in_progress', messageObject(messageId, 'in_progress', null))
    let text = ''
    for (let i = 0; i < tokens; i++) {
      const word = pick(WORDS)
      text += word
      const part =
        i === 0
          ? { index: 0, type: 'text', text: { value: word, annotations: [] } }
          : { index: 0, type: 'text', text: { value: word } }
      emit('thread.message.delta', {
        id: messageId,
        object: 'thread.message.delta',
        delta: { content: [part] },
      })
    }
    messages.set(messageId, text)
    emit('thread.message.completed', messageObject(messageId, 'completed', text))
    emit('thread.run.step.completed', stepObject(stepId, 'completed', details))
  }
  emit('thread.run.completed', runObject('completed'))

  const payloads = events.map((event) => JSON.stringify(event.data))
  payloads.push('[DONE]')
  const counts: Record<string, number> = {}
  let sse = ''
  for (const [index, event] of events.entries()) {
    counts[event.event] = (counts[event.event] ?? 0) + 1
    sse += `event: ${event.event}\ndata: ${payloads[index]}\n\n`
  }
  sse += 'event: done\ndata: [DONE]\n\n'
  counts.done = 1

  const bytes = new TextEncoder().encode(sse)
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.byteLength; ) {
    const size = between(minChunk, maxChunk)
    chunks.push(bytes.subarray(offset, offset + size))
    offset += size
  }
  events.push({ event: 'done', data: '[DONE]' })
  return { chunks, payloads, events, bytes: bytes.byteLength, messages, counts }
}

/** A fresh response over the fixture's chunks, one chunk per pull, as a socket would hand them over. */
export function fixtureResponse(fixture: StreamFixture): Response {
  let index = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = fixture.chunks[index++]
      if (chunk) {
        controller.enqueue(chunk)
      } else {
        controller.close()
      }
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
}
