// Per-entity callbacks of a RunStream against the in-process server.
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { afterEach, expect, test } from 'vitest'
import { createClient } from './client.ts'
import type { FunctionToolCall, Message, Run, RunStep, ToolCall } from './types.ts'

const servers: Array<ReturnType<typeof createRunsServer>> = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.close()
  }
})

function setup() {
  const server = createRunsServer({ tokenDelayMs: 0, seed: 1 })
  servers.push(server)
  server.seedAssistant(demoAssistant)
  const client = createClient({
    baseURL: 'http://runs.test/v1',
    maxRetries: 0,
    fetch: (input, init) => server.fetch(new Request(input, init)),
  })
  return { server, client }
}

test('text deltas, message done, step done and run status arrive as the events are consumed', async () => {
  const { client } = setup()
  const thread = await client.threads.create({ messages: [{ role: 'user', content: '/long 20' }] })
  const calls: string[] = []
  let text = ''
  let lastMessage: Message | undefined
  const stream = await client.runs.create(
    { threadId: thread.id },
    { assistant_id: 'asst_demo', stream: true },
    {
      on: {
        event: (event) => calls.push(`event:${event.event}`),
        textDelta: (delta, message) => {
          text += delta
          lastMessage = message
        },
        messageDone: (message) => calls.push(`messageDone:${message.status}`),
        stepDone: (step: RunStep) => calls.push(`stepDone:${step.status}`),
        runStatus: (run: Run) => calls.push(`runStatus:${run.status}`),
      },
    },
  )
  const run = await stream.finalRun()
  expect(run.status).toBe('completed')
  expect(text.split(' ')).toHaveLength(20)
  // The message passed along is the folded one: it holds all the text so far.
  expect(lastMessage?.content[0]?.type === 'text' && lastMessage.content[0].text.value).toBe(text)
  const entity = calls.filter((call) => !call.startsWith('event:'))
  expect(entity).toEqual([
    'runStatus:queued',
    'runStatus:in_progress',
    'messageDone:completed',
    'stepDone:completed',
    'runStatus:completed',
  ])
  // Each callback follows its own event, in stream order.
  expect(calls.indexOf('messageDone:completed')).toBe(calls.indexOf('event:thread.message.completed') + 1)
  expect(calls.at(-1)).toBe('event:done')
})

test('tool calls are reported once when created and then with each delta', async () => {
  const { client } = setup()
  const thread = await client.threads.create({
    messages: [
      { role: 'user', content: '/tool get_weather {"city":"Paris"}\n/tool get_time {"city":"Paris"}' },
    ],
  })
  const created: ToolCall[] = []
  const deltas: string[] = []
  const stream = await client.runs.create(
    { threadId: thread.id },
    { assistant_id: 'asst_demo', stream: true },
    {
      on: {
        toolCallCreated: (call) => created.push(call),
        toolCallDelta: (delta, call) => deltas.push(`${call.id}:${delta.index}`),
      },
    },
  )
  const run = await stream.finalRun()
  expect(run.status).toBe('requires_action')
  const wanted = run.required_action!.submit_tool_outputs!.tool_calls
  expect(created.map((call) => call.id)).toEqual(wanted.map((call) => call.id))
  expect(
    created.map((call) => (call.type === 'function' ? (call as FunctionToolCall).function.name : '')),
  ).toEqual(['get_weather', 'get_time'])
  expect(deltas.length).toBeGreaterThanOrEqual(2)
  for (const delta of deltas) {
    expect(wanted.map((call, index) => `${call.id}:${index}`)).toContain(delta)
  }
})
