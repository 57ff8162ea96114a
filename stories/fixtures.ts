// Recorded-style fixtures for static stories and tests: event lists folded with the core reducer, so every
// state is exactly what a real stream would leave in a RunSnapshot.
import {
  type Annotation,
  emptyRunSnapshot,
  listEntities,
  type Message,
  type Run,
  type RunSnapshot,
  type RunStep,
  type RunStreamEvent,
  reduceRunEvent,
  type ToolCall,
} from '@oai-runs/client'
import type { MessageContentOptions } from '@oai-runs/components'

/** 2026-01-01T00:00:00Z in unix seconds: every fixture time counts from here. */
export const T0 = 1_767_225_600
/** A clock frozen 30 s after T0, so countdowns render the same in every story and screenshot. */
export const frozenNow = () => (T0 + 30) * 1000

const tools: Run['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The current weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'The current time in a time zone.',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
    },
  },
  { type: 'code_interpreter' },
  { type: 'file_search' },
]

/** A run object at T0 with the demo tools; `patch` sets status and timestamps. */
export function makeRun(patch: Partial<Run> = {}): Run {
  return {
    id: 'run_7Hc2',
    object: 'thread.run',
    created_at: T0,
    thread_id: 'thread_A1',
    assistant_id: 'asst_demo',
    status: 'queued',
    required_action: null,
    last_error: null,
    expires_at: T0 + 600,
    started_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model: 'gpt-4o',
    instructions: null,
    tools,
    metadata: { ticket: 'SUP-1042', channel: 'web' },
    usage: null,
    parallel_tool_calls: true,
    ...patch,
  }
}

/** A step object; `patch` sets details and status. */
export function makeStep(id: string, at: number, patch: Partial<RunStep> = {}): RunStep {
  return {
    id,
    object: 'thread.run.step',
    created_at: at,
    assistant_id: 'asst_demo',
    thread_id: 'thread_A1',
    run_id: 'run_7Hc2',
    type: 'message_creation',
    status: 'completed',
    step_details: { type: 'message_creation', message_creation: { message_id: `msg_${id}` } },
    last_error: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: at + 1,
    usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
    ...patch,
  }
}

/** A tool_calls step. */
export function toolStep(
  id: string,
  at: number,
  toolCalls: ToolCall[],
  status: RunStep['status'] = 'completed',
): RunStep {
  return makeStep(id, at, {
    type: 'tool_calls',
    status,
    completed_at: status === 'completed' ? at + 2 : null,
    usage: status === 'completed' ? { prompt_tokens: 90, completion_tokens: 25, total_tokens: 115 } : null,
    step_details: { type: 'tool_calls', tool_calls: toolCalls },
  })
}

/** An assistant message. */
export function makeMessage(
  id: string,
  text: string,
  annotations: Annotation[] = [],
  status: Message['status'] = 'completed',
): Message {
  return {
    id,
    object: 'thread.message',
    created_at: T0 + 5,
    thread_id: 'thread_A1',
    status,
    incomplete_details: null,
    completed_at: status === 'completed' ? T0 + 6 : null,
    incomplete_at: null,
    role: 'assistant',
    content: [{ type: 'text', text: { value: text, annotations } }],
    assistant_id: 'asst_demo',
    run_id: 'run_7Hc2',
    attachments: null,
  }
}

function fold(events: RunStreamEvent[]): RunSnapshot {
  return events.reduce((snapshot, event) => reduceRunEvent(snapshot, event), emptyRunSnapshot())
}

const runEvent = (run: Run): RunStreamEvent =>
  ({ event: `thread.run.${run.status}`, data: run }) as RunStreamEvent

/** A fixture: the snapshot plus the plain lists components take. */
export type Fixture = { snapshot: RunSnapshot; run: Run; steps: RunStep[]; messages: Message[] }

function fixture(events: RunStreamEvent[]): Fixture {
  const snapshot = fold(events)
  return {
    snapshot,
    run: snapshot.run!,
    steps: listEntities(snapshot.steps),
    messages: listEntities(snapshot.messages),
  }
}

const weatherCall = {
  id: 'call_weather',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
}
const timeCall = {
  id: 'call_time',
  type: 'function' as const,
  function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
}

const created = makeRun()
const started = makeRun({ status: 'in_progress', started_at: T0 + 1 })

const answer =
  'Here is the **forecast** for Paris:\n\n- Today: 18 °C, light rain\n- Tomorrow: 21 °C, sunny\n\nSee [Météo-France](https://meteofrance.com) for details.'

function messageEvents(id: string, text: string, stepAt: number, final: boolean): RunStreamEvent[] {
  const message = makeMessage(id, '', [], 'in_progress')
  const events: RunStreamEvent[] = [
    {
      event: 'thread.run.step.created',
      data: makeStep(id.replace('msg_', ''), stepAt, {
        status: 'in_progress',
        completed_at: null,
        usage: null,
      }),
    },
    { event: 'thread.message.created', data: { ...message, content: [] } },
  ]
  for (let index = 0; index < text.length; index += 12) {
    events.push({
      event: 'thread.message.delta',
      data: {
        id,
        object: 'thread.message.delta',
        delta: { content: [{ index: 0, type: 'text', text: { value: text.slice(index, index + 12) } }] },
      },
    })
  }
  if (final) {
    events.push({ event: 'thread.message.completed', data: makeMessage(id, text) })
    events.push({ event: 'thread.run.step.completed', data: makeStep(id.replace('msg_', ''), stepAt) })
  }
  return events
}

/** queued: just created. */
export const queued = fixture([runEvent(created)])

/** in_progress with a half-streamed message (partial Markdown). */
export const streaming = fixture([
  runEvent(created),
  runEvent(started),
  ...messageEvents('msg_s1', answer.slice(0, 70), T0 + 2, false),
])

/** requires_action with one function call. */
export const requiresActionOne = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep(
      'step_t1',
      T0 + 2,
      [{ ...weatherCall, function: { ...weatherCall.function, output: null } }],
      'in_progress',
    ),
  },
  runEvent(
    makeRun({
      status: 'requires_action',
      started_at: T0 + 1,
      required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [weatherCall] } },
    }),
  ),
])

/** requires_action with two parallel calls. */
export const requiresActionParallel = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep(
      'step_t1',
      T0 + 2,
      [
        { ...weatherCall, function: { ...weatherCall.function, output: null } },
        { ...timeCall, function: { ...timeCall.function, output: null } },
      ],
      'in_progress',
    ),
  },
  runEvent(
    makeRun({
      status: 'requires_action',
      started_at: T0 + 1,
      required_action: {
        type: 'submit_tool_outputs',
        submit_tool_outputs: { tool_calls: [weatherCall, timeCall] },
      },
    }),
  ),
])

/** cancelling: cancel requested, not yet confirmed. */
export const cancelling = fixture([
  runEvent(created),
  runEvent(started),
  runEvent(makeRun({ status: 'cancelling', started_at: T0 + 1 })),
])

/** cancelled. */
export const cancelled = fixture([
  runEvent(created),
  runEvent(started),
  runEvent(makeRun({ status: 'cancelled', started_at: T0 + 1, cancelled_at: T0 + 4 })),
])

/** failed with last_error. */
export const failed = fixture([
  runEvent(created),
  runEvent(started),
  runEvent(
    makeRun({
      status: 'failed',
      started_at: T0 + 1,
      failed_at: T0 + 3,
      last_error: { code: 'server_error', message: 'The model backend returned an error.' },
    }),
  ),
])

/** expired while waiting for tool outputs. */
export const expired = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep(
      'step_t1',
      T0 + 2,
      [{ ...weatherCall, function: { ...weatherCall.function, output: null } }],
      'in_progress',
    ),
  },
  {
    event: 'thread.run.step.expired',
    data: toolStep(
      'step_t1',
      T0 + 2,
      [{ ...weatherCall, function: { ...weatherCall.function, output: null } }],
      'expired',
    ),
  },
  runEvent(makeRun({ status: 'expired', started_at: T0 + 1 })),
])

/** incomplete: hit max_completion_tokens. */
export const incomplete = fixture([
  runEvent(created),
  runEvent(started),
  ...messageEvents(
    'msg_i1',
    'The history of Paris begins with the Parisii, a Celtic tribe who settled',
    T0 + 2,
    true,
  ),
  runEvent(
    makeRun({
      status: 'incomplete',
      started_at: T0 + 1,
      completed_at: T0 + 9,
      incomplete_details: { reason: 'max_completion_tokens' },
      usage: { prompt_tokens: 310, completion_tokens: 64, total_tokens: 374 },
    }),
  ),
])

/** completed: a tool round trip and a reply, with usage. */
export const completed = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep('step_t1', T0 + 2, [
      { ...weatherCall, function: { ...weatherCall.function, output: '{"celsius":18,"sky":"light rain"}' } },
    ]),
  },
  ...messageEvents('msg_c1', answer, T0 + 6, true),
  runEvent(
    makeRun({
      status: 'completed',
      started_at: T0 + 1,
      completed_at: T0 + 12,
      usage: { prompt_tokens: 412, completion_tokens: 96, total_tokens: 508 },
    }),
  ),
])

const chartSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120"><rect width="320" height="120" fill="#eef0f3"/><polyline fill="none" stroke="#2f5bd3" stroke-width="3" points="10,100 60,80 110,85 160,50 210,60 260,25 310,30"/></svg>'
let chartUrl: string | null = null
/** Stands in for an ownership-checked file route in stories: image files resolve to a blob: URL of a chart. */
export const getFileUrl = (fileId: string) => {
  if (!fileId.startsWith('file-img')) {
    return `/files/${fileId}`
  }
  chartUrl ??= URL.createObjectURL(new Blob([chartSvg], { type: 'image/svg+xml' }))
  return chartUrl
}

/** code interpreter with logs and an image output, then a message. */
export const codeInterpreter = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep('step_ci', T0 + 2, [
      {
        id: 'call_ci',
        type: 'code_interpreter',
        code_interpreter: {
          input:
            '# Plot the temperatures\nimport matplotlib.pyplot as plt\ntemps = [12, 15, 14, 19, 17, 23, 22]\nplt.plot(temps)\nprint("max:", max(temps))\nplt.savefig("chart.png")',
          outputs: [
            { type: 'logs', logs: 'max: 23\n' },
            { type: 'image', image: { file_id: 'file-img-chart' } },
          ],
        },
      },
    ]),
  },
  ...messageEvents('msg_ci', 'The warmest day reached **23 °C**. The chart is attached above.', T0 + 6, true),
  runEvent(
    makeRun({
      status: 'completed',
      started_at: T0 + 1,
      completed_at: T0 + 10,
      usage: { prompt_tokens: 640, completion_tokens: 180, total_tokens: 820 },
    }),
  ),
])

const citationText =
  'Refunds are issued within 14 days【4:0†policy.pdf】 and shipping is free over 50 €【4:1†shipping.md】.'
function citation(marker: string, fileId: string, quote: string): Annotation {
  const start = citationText.indexOf(marker)
  return {
    type: 'file_citation',
    text: marker,
    start_index: start,
    end_index: start + marker.length,
    file_citation: { file_id: fileId, quote },
  }
}

/** file search with ranking options, results with content, and a cited reply. */
export const fileSearch = fixture([
  runEvent(created),
  runEvent(started),
  {
    event: 'thread.run.step.created',
    data: toolStep('step_fs', T0 + 2, [
      {
        id: 'call_fs',
        type: 'file_search',
        file_search: {
          ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0.5 },
          results: [
            {
              file_id: 'file-policy',
              file_name: 'policy.pdf',
              score: 0.92,
              content: [{ type: 'text', text: 'Refunds are issued within 14 days of receiving the return.' }],
            },
            {
              file_id: 'file-shipping',
              file_name: 'shipping.md',
              score: 0.81,
              content: [{ type: 'text', text: 'Shipping is free for orders over 50 €.' }],
            },
          ],
        },
      },
    ]),
  },
  {
    event: 'thread.message.created',
    data: makeMessage('msg_fs', citationText, [
      citation('【4:0†policy.pdf】', 'file-policy', 'within 14 days'),
      citation('【4:1†shipping.md】', 'file-shipping', 'free for orders over 50 €'),
    ]),
  },
  { event: 'thread.run.step.created', data: makeStep('fs', T0 + 6) },
  runEvent(
    makeRun({
      status: 'completed',
      started_at: T0 + 1,
      completed_at: T0 + 8,
      usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 },
    }),
  ),
])

/** File names for the citations of `fileSearch`. */
export const getFileName = (fileId: string) =>
  ({ 'file-policy': 'policy.pdf', 'file-shipping': 'shipping.md' })[fileId] ?? null

/**
 * The content options of the container stories (`RunStepList`, `RunTimeline`, `RunViewer`): one object made
 * once, so every render passes the same one down.
 */
export const contentOptions: MessageContentOptions = { getFileUrl, getFileName }

/** A long run: 120 steps of alternating tool calls. */
export const longRun: Fixture = (() => {
  const steps = Array.from({ length: 120 }, (_, index) =>
    toolStep(`step_${String(index).padStart(3, '0')}`, T0 + 2 + index, [
      {
        id: `call_${index}`,
        type: 'function',
        function: {
          name: index % 2 ? 'get_time' : 'get_weather',
          arguments: index % 2 ? '{"timezone":"UTC"}' : `{"city":"City ${index}"}`,
          output: `{"ok":true,"n":${index}}`,
        },
      },
    ]),
  )
  const run = makeRun({
    status: 'completed',
    started_at: T0 + 1,
    completed_at: T0 + 130,
    usage: { prompt_tokens: 24_000, completion_tokens: 3_100, total_tokens: 27_100 },
  })
  return { snapshot: { ...emptyRunSnapshot(), run }, run, steps, messages: [] }
})()

/** A function call whose arguments are not valid JSON (F8). */
export const malformedCall: ToolCall = {
  id: 'call_bad',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city": "Paris", unit: celsius', output: null },
}

/** Markdown that tries every trick (R1–R3): rendered inert. */
export const maliciousMarkdown = [
  '# Totally normal answer',
  '',
  '[click me](javascript:alert(document.cookie)) · [also me](JaVaScRiPt:alert(1)) · [tabbed](java\tscript:alert(1)) · [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) · [vb](vbscript:msgbox(1))',
  '',
  '<script>alert("xss")</script>',
  '',
  '<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe> <svg onload=alert(1)>',
  '',
  '![tracking pixel](https://evil.example/pixel.gif?user=42)',
  '',
  'A safe link: [example.com](https://example.com).',
].join('\n')

/** Rich Markdown for the MessageContent story. */
export const richMarkdown = [
  '## Summary',
  '',
  'The run used **two tools** and *one* file. Inline `code`, ~~strikethrough~~ and a [link](https://example.com).',
  '',
  '1. First item',
  '2. Second item with **bold**',
  '',
  '> A quoted line from the docs.',
  '',
  '| City | °C |',
  '|------|---:|',
  '| Paris | 18 |',
  '| Lyon | 21 |',
  '',
  '```python',
  'print("hello")',
  '```',
].join('\n')
