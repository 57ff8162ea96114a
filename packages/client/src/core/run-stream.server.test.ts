// Real server streams (from @oai-runs/server's fetch handler) through the parser, the stream and the reducer.
import { createRunsServer, demoAssistant, type FaultRule } from '@oai-runs/server'
import { afterEach, describe, expect, test } from 'vitest'
import { RunStreamTruncatedError, StreamError, StreamIdleTimeoutError } from './errors.ts'
import type { RunSnapshot, RunSnapshotWarning } from './run-snapshot.ts'
import { createRunStream } from './run-stream.ts'
import type { Run } from './types.ts'

const servers: Array<ReturnType<typeof createRunsServer>> = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.close()
  }
})

function setup(faults: FaultRule[] = []) {
  const server = createRunsServer({ tokenDelayMs: 0, seed: 1, faults })
  servers.push(server)
  server.seedAssistant(demoAssistant)
  const post = (path: string, body: unknown) =>
    server.fetch(
      new Request(`http://localhost/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
        body: JSON.stringify(body),
      }),
    )
  const createThreadAndRun = (text: string) =>
    post('/threads/runs', {
      assistant_id: 'asst_demo',
      stream: true,
      thread: { messages: [{ role: 'user', content: text }] },
    })
  return { server, post, createThreadAndRun }
}

function textOf(snapshot: RunSnapshot): string {
  return snapshot.messages.ids
    .flatMap((id) => snapshot.messages.byId[id]!.content)
    .map((part) => (part.type === 'text' ? part.text.value : ''))
    .join('')
}

function byteByByte(text: string): Response {
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset < bytes.length) {
        controller.enqueue(bytes.slice(offset, ++offset))
      } else {
        controller.close()
      }
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

describe('against @oai-runs/server', () => {
  test('a plain reply streams to a completed run, identical when re-fed byte by byte', async () => {
    const { createThreadAndRun } = setup()
    const response = await createThreadAndRun('hello there')
    const raw = await response.clone().text()
    const warnings: RunSnapshotWarning[] = []
    const stream = createRunStream(response, { onWarning: (warning) => warnings.push(warning) })
    const run = await stream.finalRun()
    expect(run.status).toBe('completed')
    expect(warnings).toEqual([])
    const snapshot = stream.snapshot()
    expect(snapshot.thread?.id).toBe(run.thread_id)
    expect(textOf(snapshot)).toBe('You said: "hello there"')
    expect(await createRunStream(byteByByte(raw)).finalSnapshot()).toEqual(snapshot)
  })

  test('a function call ends at requires_action; the streamed submit continues the same snapshot', async () => {
    const { createThreadAndRun, post } = setup()
    const first = createRunStream(await createThreadAndRun('/tool get_weather {"city":"Paris"}'))
    const run: Run = await first.finalRun()
    expect(run.status).toBe('requires_action')
    const call = run.required_action!.submit_tool_outputs!.tool_calls[0]!
    const [stepId] = first.snapshot().steps.ids
    const step = first.snapshot().steps.byId[stepId!]!
    expect(step.step_details).toMatchObject({
      type: 'tool_calls',
      tool_calls: [{ id: call.id, function: { arguments: call.function.arguments } }],
    })

    const response = await post(`/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, {
      stream: true,
      tool_outputs: [{ tool_call_id: call.id, output: '18C' }],
    })
    const warnings: RunSnapshotWarning[] = []
    const second = createRunStream(response, {
      initialSnapshot: first.snapshot(),
      onWarning: (w) => warnings.push(w),
    })
    expect((await second.finalRun()).status).toBe('completed')
    expect(warnings).toEqual([])
    const snapshot = second.snapshot()
    expect(snapshot.steps.byId[stepId!]).toMatchObject({
      status: 'completed',
      step_details: { tool_calls: [{ function: { output: '18C' } }] },
    })
    expect(textOf(snapshot)).toContain('18C')
  })

  test('code interpreter and file search steps fold without warnings', async () => {
    for (const input of ['/code print(1)', '/search refunds']) {
      const { createThreadAndRun } = setup()
      const warnings: RunSnapshotWarning[] = []
      const stream = createRunStream(await createThreadAndRun(input), { onWarning: (w) => warnings.push(w) })
      expect((await stream.finalRun()).status).toBe('completed')
      expect(warnings).toEqual([])
      const types = Object.values(stream.snapshot().steps.byId).flatMap((step) =>
        step.step_details.type === 'tool_calls' ? step.step_details.tool_calls.map((call) => call.type) : [],
      )
      expect(types).toEqual([input.startsWith('/code') ? 'code_interpreter' : 'file_search'])
    }
  })

  test('fault: a connection cut mid-event is a truncation that keeps the partial snapshot', async () => {
    const { createThreadAndRun } = setup([
      { operation: 'createThreadAndRun', stream: { cutAfterEvents: 12 } },
    ])
    const stream = createRunStream(await createThreadAndRun('a fairly long sentence to stream here'))
    const error = await stream.finalRun().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RunStreamTruncatedError)
    expect((error as RunStreamTruncatedError).snapshot.run).not.toBeNull()
    expect(stream.snapshot().status).toBe('truncated')
  })

  test('fault: an error frame raises StreamError; a missing [DONE] after the final run is fine', async () => {
    const failing = setup([{ operation: 'createThreadAndRun', stream: { errorAfterEvents: 3 } }])
    await expect(createRunStream(await failing.createThreadAndRun('hi')).finalRun()).rejects.toBeInstanceOf(
      StreamError,
    )
    const noDone = setup([{ operation: 'createThreadAndRun', stream: { omitDone: true } }])
    expect((await createRunStream(await noDone.createThreadAndRun('hi')).finalRun()).status).toBe('completed')
  })

  test('fault: a stalled stream raises StreamIdleTimeoutError', async () => {
    const { createThreadAndRun } = setup([
      { operation: 'createThreadAndRun', stream: { stallAfterEvents: 2, stallMs: 2000 } },
    ])
    const stream = createRunStream(await createThreadAndRun('hi'), { idleTimeoutMs: 50 })
    await expect(stream.finalRun()).rejects.toBeInstanceOf(StreamIdleTimeoutError)
  })
})
