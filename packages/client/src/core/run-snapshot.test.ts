import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, test } from 'vitest'
import {
  createRunFold,
  emptyRunSnapshot,
  listEntities,
  type RunSnapshot,
  type RunSnapshotWarning,
  reduceRunEvent,
  reduceRunEventInFull,
  reduceRunEvents,
} from './run-snapshot.ts'
import { iterateSse } from './sse.ts'
import type {
  FileSearchToolCall,
  FunctionToolCall,
  Message,
  RunStep,
  RunStreamEvent,
  UnknownStreamEvent,
} from './types.ts'

async function fixtureEvents(name: string): Promise<RunStreamEvent[]> {
  const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
  const events: RunStreamEvent[] = []
  for await (const { event, data } of iterateSse(new Response(bytes).body!)) {
    events.push({ event, data: data === '[DONE]' ? data : JSON.parse(data) } as RunStreamEvent)
  }
  return events
}

function fold(events: Array<RunStreamEvent | UnknownStreamEvent>, start = emptyRunSnapshot()) {
  const warnings: RunSnapshotWarning[] = []
  const snapshot = events.reduce(
    (current, event) => reduceRunEvent(current, event, { onWarning: (warning) => warnings.push(warning) }),
    start,
  )
  return { snapshot, warnings }
}

// Events built from JSON text, as the wire delivers them (so "__proto__" is an own key).
const wire = (event: string, json: string) => ({ event, data: JSON.parse(json) }) as RunStreamEvent

const message = (id: string, status: Message['status'] = 'in_progress', content = '[]') =>
  wire(
    `thread.message.${status === 'in_progress' ? 'created' : status}`,
    `{"id":"${id}","object":"thread.message","created_at":1,"thread_id":"thread_1","status":"${status}",
      "incomplete_details":null,"completed_at":null,"incomplete_at":null,"role":"assistant","content":${content},
      "assistant_id":"asst_1","run_id":"run_1","attachments":[],"metadata":{}}`,
  )
const textDelta = (id: string, value: string, index = 0) =>
  wire(
    'thread.message.delta',
    `{"id":"${id}","object":"thread.message.delta","delta":{"content":[{"index":${index},"type":"text","text":{"value":${JSON.stringify(value)}}}]}}`,
  )
const toolStep = (id: string, status: RunStep['status'] = 'in_progress', toolCalls = '[]') =>
  wire(
    `thread.run.step.${status === 'in_progress' ? 'created' : status}`,
    `{"id":"${id}","object":"thread.run.step","created_at":1,"assistant_id":"asst_1","thread_id":"thread_1",
      "run_id":"run_1","type":"tool_calls","status":"${status}","step_details":{"type":"tool_calls","tool_calls":${toolCalls}},
      "last_error":null,"expires_at":null,"cancelled_at":null,"failed_at":null,"completed_at":null,"usage":null}`,
  )
const stepDelta = (id: string, toolCalls: string) =>
  wire(
    'thread.run.step.delta',
    `{"id":"${id}","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":${toolCalls}}}}`,
  )

function textOf(snapshot: RunSnapshot, id: string, part = 0): string | undefined {
  const content = snapshot.messages.byId[id]?.content[part]
  return content?.type === 'text' ? content.text.value : undefined
}

function toolCallsOf(snapshot: RunSnapshot, id: string) {
  const details = snapshot.steps.byId[id]?.step_details
  return details?.type === 'tool_calls' ? details.tool_calls : []
}

describe('fixtures', () => {
  test('a plain text reply folds into the thread, the completed run and the full text', async () => {
    const events = await fixtureEvents('plain-text.sse')
    const deltas = events.filter((event) => event.event === 'thread.message.delta').length
    const beforeCompleted = fold(
      events.slice(
        0,
        events.findIndex((e) => e.event === 'thread.message.completed'),
      ),
    )
    expect(deltas).toBe(9)
    expect(textOf(beforeCompleted.snapshot, 'msg_001')).toBe('Hello! How can I assist you today?')
    const { snapshot, warnings } = fold(events)
    expect(warnings).toEqual([])
    expect(snapshot.status).toBe('done')
    expect(snapshot.thread?.id).toBe('thread_123')
    expect(snapshot.run?.status).toBe('completed')
    expect(snapshot.steps.ids).toEqual(['step_001'])
    expect(listEntities(snapshot.messages).map((m) => m.status)).toEqual(['completed'])
    expect(textOf(snapshot, 'msg_001')).toBe('Hello! How can I assist you today?')
  })

  test('a function call accumulates its arguments and ends in requires_action', async () => {
    const { snapshot, warnings } = fold(await fixtureEvents('function-call.sse'))
    expect(warnings).toEqual([])
    expect(snapshot.status).toBe('requires_action')
    const [call] = toolCallsOf(snapshot, 'step_001')
    const required = snapshot.run?.required_action?.submit_tool_outputs?.tool_calls[0]
    expect(call).toEqual({
      id: 'call_XXNp8YGaFrjrSjgqxtC8JJ1B',
      type: 'function',
      function: { name: 'get_current_weather', arguments: required?.function.arguments, output: null },
    })
    expect(JSON.parse(required!.function.arguments)).toEqual({
      location: 'San Francisco, CA',
      unit: 'fahrenheit',
    })
  })

  test('a submit_tool_outputs stream continues the requires_action snapshot (no run.created)', async () => {
    const first = fold(await fixtureEvents('function-call.sse')).snapshot
    const events = await fixtureEvents('submit-continuation.sse')
    expect(events.some((event) => event.event === 'thread.run.created')).toBe(false)
    const { snapshot, warnings } = fold(events, first)
    expect(warnings).toEqual([])
    expect(snapshot.status).toBe('done')
    expect(snapshot.thread).toBe(first.thread)
    expect(snapshot.steps.ids).toEqual(['step_001', 'step_002'])
    expect(snapshot.steps.byId.step_001?.status).toBe('completed')
    const [call] = toolCallsOf(snapshot, 'step_001')
    expect(call?.type === 'function' && (call as FunctionToolCall).function.output).toBe(
      '70 degrees and sunny.',
    )
    expect(textOf(snapshot, 'msg_002')).toBe(
      'The current weather in San Francisco, CA is 70 degrees Fahrenheit and sunny.',
    )
  })
})

describe('entities', () => {
  test('a delta before its created event makes a placeholder that created then completes', () => {
    const { snapshot, warnings } = fold([
      textDelta('msg_1', 'Hel'),
      textDelta('msg_1', 'lo'),
      message('msg_1'),
    ])
    expect(warnings.map((w) => w.code)).toEqual(['delta_before_created']) // once: the placeholder exists after it
    expect(snapshot.messages.byId.msg_1?.created_at).toBe(1)
    expect(textOf(snapshot, 'msg_1')).toBe('Hello')
  })

  test('S13: a delta for a completed message is ignored, returns the same snapshot and warns', () => {
    const done = message('msg_1', 'completed', '[{"type":"text","text":{"value":"Hi","annotations":[]}}]')
    const { snapshot } = fold([message('msg_1'), textDelta('msg_1', 'H'), done])
    const after = fold([textDelta('msg_1', ' again')], snapshot)
    expect(after.snapshot).toBe(snapshot)
    expect(after.warnings).toMatchObject([{ code: 'delta_after_completed', id: 'msg_1' }])
    expect(textOf(after.snapshot, 'msg_1')).toBe('Hi')
  })

  test('S13: a delta for a completed step is ignored', () => {
    const { snapshot } = fold([toolStep('step_1'), toolStep('step_1', 'completed')])
    const after = fold(
      [stepDelta('step_1', '[{"index":0,"type":"function","function":{"arguments":"x"}}]')],
      snapshot,
    )
    expect(after.snapshot).toBe(snapshot)
    expect(after.warnings[0]?.code).toBe('delta_after_completed')
  })

  test('C8: a delta changes only its own message; everything else keeps its identity', () => {
    const { snapshot } = fold([
      toolStep('step_1'),
      message('msg_a'),
      message('msg_b'),
      textDelta('msg_a', 'A'),
    ])
    const next = reduceRunEvent(snapshot, textDelta('msg_b', 'B'))
    expect(next).not.toBe(snapshot)
    expect(next.messages.byId.msg_a).toBe(snapshot.messages.byId.msg_a)
    expect(next.messages.ids).toBe(snapshot.messages.ids)
    expect(next.steps).toBe(snapshot.steps)
    expect(next.run).toBe(snapshot.run)
    expect(textOf(next, 'msg_a')).toBe('A')
    expect(textOf(next, 'msg_b')).toBe('B')
  })

  test('a delta that changes nothing returns the same snapshot', () => {
    const { snapshot } = fold([message('msg_1'), textDelta('msg_1', 'A')])
    expect(reduceRunEvent(snapshot, textDelta('msg_1', ''))).toBe(snapshot)
  })

  test('unknown events and done return the same snapshot object', () => {
    const snapshot = fold([message('msg_1')]).snapshot
    expect(reduceRunEvent(snapshot, { event: 'thread.run.future', data: { id: 'x' }, unknown: true })).toBe(
      snapshot,
    )
    expect(reduceRunEvent(snapshot, { event: 'done', data: '[DONE]' })).toBe(snapshot)
  })

  test('run events set the run and the status; an error event records the error', () => {
    const run = (status: string) =>
      wire(
        `thread.run.${status}`,
        `{"id":"run_1","object":"thread.run","thread_id":"thread_1","status":"${status}"}`,
      )
    expect(fold([]).snapshot.status).toBe('idle')
    expect(fold([run('queued')]).snapshot.status).toBe('streaming')
    expect(fold([run('requires_action')]).snapshot.status).toBe('requires_action')
    expect(fold([run('cancelling')]).snapshot.status).toBe('streaming')
    for (const status of ['completed', 'failed', 'cancelled', 'expired', 'incomplete']) {
      expect(fold([run('queued'), run(status)]).snapshot).toMatchObject({ status: 'done', run: { status } })
    }
    const error = wire(
      'error',
      '{"error":{"code":"server_error","message":"boom","param":null,"type":"server_error"}}',
    )
    expect(fold([run('queued'), error]).snapshot).toMatchObject({
      status: 'error',
      error: { code: 'server_error', message: 'boom' },
    })
  })

  test('a terminal step event replaces the accumulated step with the server object', () => {
    const full = '[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}","output":"42"}}]'
    const { snapshot } = fold([
      toolStep('step_1'),
      stepDelta(
        'step_1',
        '[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{"}}]',
      ),
      toolStep('step_1', 'completed', full),
    ])
    expect(toolCallsOf(snapshot, 'step_1')).toEqual(JSON.parse(full))
  })
})

describe('delta merge', () => {
  test('parallel tool calls with interleaved argument deltas merge by index', () => {
    const { snapshot, warnings } = fold([
      toolStep('step_1'),
      stepDelta(
        'step_1',
        '[{"index":0,"id":"call_a","type":"function","function":{"name":"a","arguments":"","output":null}}]',
      ),
      stepDelta(
        'step_1',
        '[{"index":1,"id":"call_b","type":"function","function":{"name":"b","arguments":"{\\"y"}}]',
      ),
      stepDelta('step_1', '[{"index":0,"type":"function","function":{"arguments":"{\\"x\\":"}}]'),
      stepDelta('step_1', '[{"index":1,"type":"function","function":{"arguments":"\\":2}"}}]'),
      stepDelta('step_1', '[{"index":0,"id":"call_a","type":"function","function":{"arguments":"1}"}}]'),
    ])
    expect(warnings).toEqual([])
    expect(toolCallsOf(snapshot, 'step_1')).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'a', arguments: '{"x":1}', output: null } },
      { id: 'call_b', type: 'function', function: { name: 'b', arguments: '{"y":2}' } },
    ])
  })

  test('code interpreter input and logs stream in, and an image output lands at its index', () => {
    const { snapshot } = fold([
      toolStep('step_1'),
      stepDelta(
        'step_1',
        '[{"index":0,"id":"ci_1","type":"code_interpreter","code_interpreter":{"input":"print(","outputs":[]}}]',
      ),
      stepDelta('step_1', '[{"index":0,"type":"code_interpreter","code_interpreter":{"input":"1)"}}]'),
      stepDelta(
        'step_1',
        '[{"index":0,"type":"code_interpreter","code_interpreter":{"outputs":[{"index":0,"type":"logs","logs":"1"}]}}]',
      ),
      stepDelta(
        'step_1',
        '[{"index":0,"type":"code_interpreter","code_interpreter":{"outputs":[{"index":0,"type":"logs","logs":"\\n"}]}}]',
      ),
      stepDelta(
        'step_1',
        '[{"index":0,"type":"code_interpreter","code_interpreter":{"outputs":[{"index":1,"type":"image","image":{"file_id":"file_1"}}]}}]',
      ),
    ])
    expect(toolCallsOf(snapshot, 'step_1')).toEqual([
      {
        id: 'ci_1',
        type: 'code_interpreter',
        code_interpreter: {
          input: 'print(1)',
          outputs: [
            { type: 'logs', logs: '1\n' },
            { type: 'image', image: { file_id: 'file_1' } },
          ],
        },
      },
    ])
  })

  test('file search: the empty delta object merges, and the completed step brings results with content', () => {
    const results =
      '[{"id":"fs_1","type":"file_search","file_search":{"ranking_options":{"ranker":"auto","score_threshold":0},"results":[{"file_id":"file_1","file_name":"a.md","score":0.9,"content":[{"type":"text","text":"chunk"}]}]}}]'
    const partial = fold([
      toolStep('step_1'),
      stepDelta('step_1', '[{"index":0,"id":"fs_1","type":"file_search","file_search":{}}]'),
    ])
    expect(toolCallsOf(partial.snapshot, 'step_1')).toEqual([
      { id: 'fs_1', type: 'file_search', file_search: {} },
    ])
    const { snapshot } = fold([toolStep('step_1', 'completed', results)], partial.snapshot)
    const [call] = toolCallsOf(snapshot, 'step_1')
    expect(
      call?.type === 'file_search' && (call as FileSearchToolCall).file_search.results?.[0]?.content,
    ).toEqual([{ type: 'text', text: 'chunk' }])
  })

  test('file_citation annotations merge by their own index next to the text', () => {
    const { snapshot, warnings } = fold([
      message('msg_1'),
      textDelta('msg_1', 'See '),
      wire(
        'thread.message.delta',
        '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"【4:0†a.md】","annotations":[{"index":0,"type":"file_citation","text":"【4:0†a.md】","start_index":4,"end_index":14,"file_citation":{"file_id":"file_1"}}]}}]}}',
      ),
      wire(
        'thread.message.delta',
        '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"annotations":[{"index":0,"type":"file_citation","file_citation":{"quote":"q"}}]}}]}}',
      ),
    ])
    expect(warnings).toEqual([])
    expect(snapshot.messages.byId.msg_1?.content).toEqual([
      {
        type: 'text',
        text: {
          value: 'See 【4:0†a.md】',
          annotations: [
            {
              type: 'file_citation',
              text: '【4:0†a.md】',
              start_index: 4,
              end_index: 14,
              file_citation: { file_id: 'file_1', quote: 'q' },
            },
          ],
        },
      },
    ])
  })

  test('identifiers repeated in every delta are not concatenated', () => {
    const call = '{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"a"}}'
    const { snapshot } = fold([
      toolStep('step_1'),
      stepDelta('step_1', `[${call}]`),
      stepDelta('step_1', `[${call}]`),
    ])
    expect(toolCallsOf(snapshot, 'step_1')).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: 'aa' } },
    ])
  })
})

describe('S12: hostile deltas are rejected whole', () => {
  const rejected = (events: RunStreamEvent[], code: string) => {
    const { snapshot } = fold([message('msg_1'), textDelta('msg_1', 'ok'), toolStep('step_1')])
    const after = fold(events, snapshot)
    expect(after.snapshot).toBe(snapshot)
    expect(after.warnings.map((w) => w.code)).toEqual(events.map(() => code))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  }

  test('__proto__, constructor and prototype keys in message deltas', () => {
    rejected(
      [
        wire(
          'thread.message.delta',
          '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","__proto__":{"polluted":1}}]}}',
        ),
        wire(
          'thread.message.delta',
          '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"__proto__":{"polluted":1}}}]}}',
        ),
        wire(
          'thread.message.delta',
          '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"constructor":{"prototype":{"polluted":1}}}}]}}',
        ),
        wire('thread.message.delta', '{"id":"msg_1","__proto__":{"polluted":1},"delta":{}}'),
        wire('thread.message.delta', '{"id":"msg_1","delta":{"prototype":{"polluted":1}}}'),
      ],
      'unsafe_key',
    )
  })

  test('unsafe keys in step deltas and in full objects', () => {
    rejected(
      [
        stepDelta('step_1', '[{"index":0,"type":"function","function":{"__proto__":{"polluted":1}}}]'),
        wire(
          'thread.message.completed',
          '{"id":"msg_1","status":"completed","content":[],"metadata":{"__proto__":{"polluted":1}}}',
        ),
        wire(
          'thread.run.completed',
          '{"id":"run_1","status":"completed","constructor":{"prototype":{"polluted":1}}}',
        ),
      ],
      'unsafe_key',
    )
  })

  test('negative, fractional, huge, string and gapped indices', () => {
    const at = (index: string) =>
      stepDelta('step_1', `[{"index":${index},"type":"function","function":{"arguments":"x"}}]`)
    rejected([at('-1'), at('0.5'), at('1024'), at('1e9'), at('"0"'), at('1'), at('null')], 'bad_index')
  })

  test('a delta aimed at another entity (other type or id at that index) is rejected', () => {
    const { snapshot } = fold([
      toolStep('step_1'),
      stepDelta('step_1', '[{"index":0,"id":"call_a","type":"function","function":{"arguments":"a"}}]'),
    ])
    const after = fold(
      [
        stepDelta('step_1', '[{"index":0,"id":"call_b","type":"function","function":{"arguments":"b"}}]'),
        stepDelta('step_1', '[{"index":0,"type":"code_interpreter","code_interpreter":{"input":"x"}}]'),
        wire(
          'thread.message.delta',
          '{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"x"}}]}}',
        ),
      ],
      snapshot,
    )
    expect(after.warnings.map((w) => w.code)).toEqual([
      'entity_mismatch',
      'entity_mismatch',
      'delta_before_created',
    ])
    expect(after.snapshot.steps).toBe(snapshot.steps)
    expect(textOf(after.snapshot, 'msg_1')).toBe('x')
  })

  test('a message id of "__proto__" or a missing id is rejected', () => {
    rejected(
      [
        textDelta('__proto__', 'x'),
        wire('thread.message.delta', '{"delta":{"content":[]}}'),
        wire('thread.run.step.delta', '{"id":"step_1","delta":"x"}'),
      ],
      'bad_payload',
    )
  })

  test('absurdly deep nesting is rejected without a stack overflow', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`
    rejected(
      [
        wire(
          'thread.message.delta',
          `{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":${deep}}]}}`,
        ),
      ],
      'bad_payload',
    )
  })
})

test('types: RunStreamEvent narrows by event name', () => {
  const event = {
    event: 'thread.message.delta',
    data: { id: 'm', object: 'thread.message.delta', delta: {} },
  } as RunStreamEvent
  if (event.event === 'thread.message.delta') {
    expectTypeOf(event.data.delta.content).toEqualTypeOf<
      import('./types.ts').MessageContentDelta[] | undefined
    >()
  }
  if (event.event === 'thread.run.completed') {
    expectTypeOf(event.data.status).toEqualTypeOf<import('./types.ts').RunStatus>()
  }
  expect(event.event).toBe('thread.message.delta')
})

// ---------------------------------------------------------------------------------------------------------------
// The text-delta fast path (in reduceRunEvent) and copy-on-write folding (createRunFold, reduceRunEvents) against
// the reference: every event through the general merge (reduceRunEventInFull), one at a time.

function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) {
      deepFreeze((value as Record<string, unknown>)[key])
    }
  }
  return value
}

// A random run stream, mostly text deltas (the fast path), mixed with everything that must take the general path:
// deltas before `created` and after `completed`, new parts, annotations, roles, empty pieces, other part types,
// unsafe keys, bad indices, steps, runs, unknown events.
function randomEvents(seed: number, count: number): Array<RunStreamEvent | UnknownStreamEvent> {
  const random = seeded(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const pieces = ['a', ' b', '', 'é', ' 日本', '\n', '"q"', '🙂', ' longer piece of text']
  const messageIds = ['msg_1', 'msg_2', 'msg_3', 'msg_4']
  const stepIds = ['step_1', 'step_2']
  const events: Array<RunStreamEvent | UnknownStreamEvent> = []
  const text = (id: string, index: number, value: string, extra = '') =>
    textDeltaWith(id, `{"index":${index},"type":"text","text":{"value":${JSON.stringify(value)}${extra}}}`)
  const textDeltaWith = (id: string, part: string, deltaExtra = '') =>
    wire(
      'thread.message.delta',
      `{"id":"${id}","object":"thread.message.delta","delta":{"content":[${part}]${deltaExtra}}}`,
    )
  while (events.length < count) {
    const id = pick(messageIds)
    const roll = random()
    if (roll < 0.7) {
      events.push(text(id, random() < 0.9 ? 0 : 1, pick(pieces)))
    } else if (roll < 0.715) {
      events.push(message(id))
    } else if (roll < 0.72) {
      const created = message(id, 'in_progress', '[{"type":"text","text":{"value":""}}]').data as Message
      const { role: _role, ...data } = created
      events.push({ event: 'thread.message.created', data } as RunStreamEvent) // a backend that sends no role
    } else if (roll < 0.73) {
      events.push(message(id, 'completed', '[{"type":"text","text":{"value":"final","annotations":[]}}]'))
    } else if (roll < 0.74) {
      events.push(
        wire('thread.message.in_progress', JSON.stringify({ ...(message(id).data as Message), content: [] })),
      )
    } else if (roll < 0.76) {
      events.push(text(id, 0, pick(pieces), ',"annotations":[]'))
    } else if (roll < 0.77) {
      events.push(textDeltaWith(id, '{"index":0,"type":"text","text":{"value":"r"}}', ',"role":"user"'))
    } else if (roll < 0.78) {
      events.push(textDeltaWith(id, '{"index":0,"type":"image_file","image_file":{"file_id":"f"}}'))
    } else if (roll < 0.79) {
      events.push(
        textDeltaWith(
          id,
          '{"index":0,"type":"text","text":{"value":"x"}},{"index":0,"type":"text","text":{"value":"y"}}',
        ),
      )
    } else if (roll < 0.8) {
      events.push(
        textDeltaWith(id, '{"index":0,"type":"text","text":{"value":"p"},"__proto__":{"polluted":1}}'),
      )
    } else if (roll < 0.81) {
      events.push(wire('thread.message.delta', `{"id":"${id}","__proto__":{},"delta":{"content":[]}}`))
    } else if (roll < 0.82) {
      events.push(text(id, 7, 'gap'))
    } else if (roll < 0.83) {
      events.push(textDeltaWith(id, '{"index":0,"type":"text","text":{"value":"v","extra":1}}'))
    } else if (roll < 0.835) {
      events.push(textDeltaWith(id, '{"index":0,"type":"text","text":{"value":"v"},"extra":1}'))
    } else if (roll < 0.84) {
      const content = pick(['[{"text":{"value":"untyped"}}]', '[{"type":"","text":{"value":"blank"}}]'])
      events.push(message(id, 'in_progress', content))
    } else if (roll < 0.845) {
      events.push(textDeltaWith(id, '{"index":0,"type":"refusal","text":{"value":"r"}}'))
    } else if (roll < 0.85) {
      const unsafe = pick(['"__proto__":{"polluted":1}', '"constructor":{"prototype":{}}', '"prototype":1'])
      events.push(textDeltaWith(id, '{"index":0,"type":"text","text":{"value":"s"}}', `,${unsafe}`))
    } else if (roll < 0.88) {
      events.push(toolStep(pick(stepIds)))
    } else if (roll < 0.93) {
      events.push(
        stepDelta(
          pick(stepIds),
          `[{"index":0,"type":"function","function":{"arguments":${JSON.stringify(pick(pieces))}}}]`,
        ),
      )
    } else if (roll < 0.94) {
      events.push(toolStep(pick(stepIds), 'completed'))
    } else if (roll < 0.97) {
      const status = pick(['queued', 'in_progress', 'requires_action', 'completed'])
      events.push(
        wire(
          `thread.run.${status}`,
          `{"id":"run_1","object":"thread.run","thread_id":"thread_1","status":"${status}"}`,
        ),
      )
    } else if (roll < 0.98) {
      events.push({ event: 'thread.message.delta', data: text(id, 0, 'u').data, unknown: true })
    } else {
      events.push({ event: 'thread.future', data: { id }, unknown: true })
    }
  }
  return events
}

// The identity pattern C8 promises: which parts of `next` are the very objects of `previous`.
function identities(previous: RunSnapshot, next: RunSnapshot) {
  const same = (a: unknown, b: unknown) => a === b
  const entities = (a: RunSnapshot['messages'] | RunSnapshot['steps'], b: typeof a) =>
    Object.fromEntries(b.ids.map((id) => [id, same(a.byId[id], b.byId[id])]))
  return {
    snapshot: same(previous, next),
    thread: same(previous.thread, next.thread),
    run: same(previous.run, next.run),
    messages: same(previous.messages, next.messages),
    messageIds: same(previous.messages.ids, next.messages.ids),
    messageById: same(previous.messages.byId, next.messages.byId),
    steps: same(previous.steps, next.steps),
    message: entities(previous.messages, next.messages),
    step: entities(previous.steps, next.steps),
  }
}

// Every snapshot of a fold, one event at a time, with the reducer given, and its warnings.
function foldEach(events: Array<RunStreamEvent | UnknownStreamEvent>, reduce = reduceRunEventInFull) {
  const warnings: RunSnapshotWarning[] = []
  const snapshots: RunSnapshot[] = []
  let current = emptyRunSnapshot()
  for (const event of events) {
    current = reduce(current, event, { onWarning: (warning) => warnings.push(warning) })
    snapshots.push(current)
  }
  return { snapshots, warnings }
}

describe('the text-delta fast path and copy-on-write folding', () => {
  const sources = async () => {
    const first = await fixtureEvents('function-call.sse')
    return [
      { name: 'plain-text', events: await fixtureEvents('plain-text.sse') },
      {
        name: 'function-call + submit',
        events: [...first, ...(await fixtureEvents('submit-continuation.sse'))],
      },
      ...[1, 2, 3, 4, 5].map((seed) => ({ name: `random ${seed}`, events: randomEvents(seed, 1500) })),
    ]
  }

  test('reduceRunEvent (fast path) gives the reference snapshot after every event, with its identities', async () => {
    for (const { name, events } of await sources()) {
      const reference = foldEach(events)
      const fast = foldEach(events, reduceRunEvent)
      expect(fast.warnings, name).toStrictEqual(reference.warnings)
      for (const [index, snapshot] of fast.snapshots.entries()) {
        expect(snapshot, `${name} after event ${index}`).toStrictEqual(reference.snapshots[index])
        if (index > 0) {
          expect(identities(fast.snapshots[index - 1]!, snapshot), `${name}: identities at ${index}`).toEqual(
            identities(reference.snapshots[index - 1]!, reference.snapshots[index]!),
          )
        }
      }
    }
  })

  test('reduceRunEvents gives the reference snapshot and warnings', async () => {
    for (const { name, events } of await sources()) {
      const reference = foldEach(events)
      const warnings: RunSnapshotWarning[] = []
      const batched = reduceRunEvents(emptyRunSnapshot(), events, { onWarning: (w) => warnings.push(w) })
      expect(batched, name).toStrictEqual(reference.snapshots.at(-1))
      expect(warnings, name).toStrictEqual(reference.warnings)
    }
  })

  test('the random streams hit every reducer warning, so the comparisons cover the general path too', () => {
    const codes = new Set(fold(randomEvents(1, 1500)).warnings.map((warning) => warning.code))
    expect([...codes].sort()).toEqual([
      'bad_index',
      'delta_after_completed',
      'delta_before_created',
      'entity_mismatch',
      'stale_event',
      'unsafe_key',
    ])
  })

  test('snapshots read at random points equal the event-by-event ones, with the same identities (C8)', async () => {
    for (const { name, events } of await sources()) {
      for (const seed of [11, 12, 13]) {
        const random = seeded(seed)
        const pure = foldEach(events).snapshots
        const fold = createRunFold(emptyRunSnapshot())
        let previous = { at: -1, fold: fold.snapshot(), pure: emptyRunSnapshot() }
        for (const [index, event] of events.entries()) {
          fold.add(event)
          // Reads are sometimes after every event, sometimes far apart.
          if (random() < (index % 200 < 20 ? 0.9 : 0.02) || index === events.length - 1) {
            const snapshot = fold.snapshot()
            const expected = pure[index]!
            expect(snapshot, `${name} after event ${index}`).toStrictEqual(expected)
            expect(
              identities(previous.fold, snapshot),
              `${name}: identities ${previous.at}→${index}`,
            ).toEqual(identities(previous.pure, expected))
            // Nothing read is ever changed again: frozen, later folds must copy instead of writing.
            deepFreeze(snapshot)
            previous = { at: index, fold: snapshot, pure: expected }
          }
        }
      }
    }
  })

  test('a fold never changes its starting snapshot or any event', () => {
    const start = deepFreeze(fold(randomEvents(7, 300)).snapshot)
    const events = deepFreeze(randomEvents(8, 1500))
    const expected = events.reduce<RunSnapshot>(
      (current, event) => reduceRunEventInFull(current, event),
      start,
    )
    expect(reduceRunEvents(start, events)).toStrictEqual(expected)
    expect(
      events.reduce<RunSnapshot>((current, event) => reduceRunEvent(current, event), start),
    ).toStrictEqual(expected)
  })

  test('reset() continues from the given snapshot', () => {
    const events = randomEvents(9, 400)
    const runFold = createRunFold(emptyRunSnapshot())
    for (const event of events.slice(0, 200)) {
      runFold.add(event)
    }
    const truncated = { ...runFold.snapshot(), status: 'truncated' as const }
    runFold.reset(truncated)
    expect(runFold.snapshot()).toBe(truncated)
    for (const event of events.slice(200)) {
      runFold.add(event)
    }
    expect(runFold.snapshot()).toStrictEqual(
      events
        .slice(200)
        .reduce<RunSnapshot>((current, event) => reduceRunEventInFull(current, event), truncated),
    )
  })

  test('edge cases the streams rarely reach: idle with messages, part 1024, parts without a type', () => {
    const held = fold([message('msg_1', 'in_progress', '[{"type":"text","text":{"value":"a"}}]')]).snapshot
    const idle = emptyRunSnapshot({ messages: held.messages })
    const parts = JSON.stringify(Array.from({ length: 1025 }, () => ({ type: 'text', text: { value: '' } })))
    const wide = fold([message('msg_1', 'in_progress', parts)]).snapshot
    const untyped = fold([message('msg_1', 'in_progress', '[{"text":{"value":"a"}}]')]).snapshot
    const blank = fold([message('msg_1', 'in_progress', '[{"type":"","text":{"value":"a"}}]')]).snapshot
    const refusal = fold([
      message('msg_1', 'in_progress', '[{"type":"refusal","text":{"value":"a"}}]'),
    ]).snapshot
    const cases: Array<[RunSnapshot, RunStreamEvent]> = [
      [idle, textDelta('msg_1', 'b')],
      [untyped, textDelta('msg_1', 'b')],
      [blank, textDelta('msg_1', 'b')],
      [refusal, textDelta('msg_1', 'b')],
      [wide, textDelta('msg_1', 'x', 1023)],
      [wide, textDelta('msg_1', 'x', 1024)],
    ]
    for (const [start, event] of cases) {
      const expected = reduceRunEventInFull(start, event)
      expect(reduceRunEvent(start, event)).toStrictEqual(expected)
      expect(reduceRunEvents(start, [event])).toStrictEqual(expected)
    }
    expect(reduceRunEvent(idle, textDelta('msg_1', 'b')).status).toBe('streaming')
    const warnings: RunSnapshotWarning[] = []
    expect(reduceRunEvent(wide, textDelta('msg_1', 'x', 1024), { onWarning: (w) => warnings.push(w) })).toBe(
      wide,
    )
    expect(warnings.map((warning) => warning.code)).toEqual(['bad_index'])
  })

  test('a fast-path text delta is as pure as any other: the input snapshot is left as it was', () => {
    const { snapshot } = fold([message('msg_1'), textDelta('msg_1', 'Hel')])
    const frozen = deepFreeze(structuredClone(snapshot))
    const next = reduceRunEvent(deepFreeze(snapshot), textDelta('msg_1', 'lo'))
    expect(snapshot).toEqual(frozen)
    expect(textOf(next, 'msg_1')).toBe('Hello')
    expect(next.messages.byId).not.toBe(snapshot.messages.byId)
    expect(next.messages.ids).toBe(snapshot.messages.ids)
  })
})
