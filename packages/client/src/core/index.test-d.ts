// Type tests of the core's public surface: what each call returns, and that the errors are our family.
import { describe, expectTypeOf, test } from 'vitest'
import {
  type AnyRunStreamEvent,
  type ApiPromise,
  type Client,
  createClient,
  createRunStream,
  type Message,
  type OaiRunsError,
  type Page,
  type PagePromise,
  type Run,
  type RunSnapshot,
  type RunStep,
  type RunStream,
  type RunStreamHandlers,
  reduceRunEvent,
  type ToolCall,
  type ToolCallError,
  type ToolCallErrorReason,
  type ToolRunStream,
  toolOutput,
} from './index.ts'

declare const client: Client
const threadIds = { threadId: 'thread_1' }
const runIds = { threadId: 'thread_1', runId: 'run_1' }

describe('runs: stream or not, from the body', () => {
  test('create with stream: true returns a RunStream, without it a Run', () => {
    expectTypeOf(client.runs.create(threadIds, { assistant_id: 'a', stream: true })).toEqualTypeOf<
      ApiPromise<RunStream>
    >()
    expectTypeOf(client.runs.create(threadIds, { assistant_id: 'a' })).toEqualTypeOf<ApiPromise<Run>>()
    expectTypeOf(client.runs.create(threadIds, { assistant_id: 'a', stream: false })).toEqualTypeOf<
      ApiPromise<Run>
    >()
  })

  test('createThreadAndRun and submitToolOutputs follow the same rule', () => {
    expectTypeOf(client.runs.createThreadAndRun({ assistant_id: 'a', stream: true })).toEqualTypeOf<
      ApiPromise<RunStream>
    >()
    expectTypeOf(client.runs.createThreadAndRun({ assistant_id: 'a' })).toEqualTypeOf<ApiPromise<Run>>()
    expectTypeOf(client.runs.submitToolOutputs(runIds, { tool_outputs: [], stream: true })).toEqualTypeOf<
      ApiPromise<RunStream>
    >()
    expectTypeOf(client.runs.submitToolOutputs(runIds, { tool_outputs: [] })).toEqualTypeOf<ApiPromise<Run>>()
  })

  test('an awaited ApiPromise is its data; withResponse() adds the Response', async () => {
    expectTypeOf(await client.runs.retrieve(runIds)).toEqualTypeOf<Run>()
    const { data, response } = await client.runs.retrieve(runIds).withResponse()
    expectTypeOf(data).toEqualTypeOf<Run>()
    expectTypeOf(response).toEqualTypeOf<Response>()
  })

  test('lists are pages, and iterate every item', async () => {
    expectTypeOf(client.runs.list(threadIds)).toEqualTypeOf<PagePromise<Run>>()
    expectTypeOf(await client.runs.list(threadIds)).toEqualTypeOf<Page<Run>>()
    expectTypeOf(await client.steps.list(runIds)).toEqualTypeOf<Page<RunStep>>()
    for await (const message of client.messages.list(threadIds)) {
      expectTypeOf(message).toEqualTypeOf<Message>()
    }
  })

  test('poll helpers, waitForRun and reconcile resolve to the run', () => {
    expectTypeOf(client.runs.poll(runIds)).toEqualTypeOf<ApiPromise<Run>>()
    expectTypeOf(client.runs.waitForRun(runIds)).toEqualTypeOf<ApiPromise<Run>>()
    expectTypeOf(client.runs.reconcile(runIds)).toEqualTypeOf<ApiPromise<Run>>()
    expectTypeOf(client.runs.createAndPoll(threadIds, { assistant_id: 'a' })).toEqualTypeOf<ApiPromise<Run>>()
  })
})

describe('streams', () => {
  test('a RunStream yields events and folds into a RunSnapshot', async () => {
    const stream = createRunStream(new Response())
    for await (const event of stream) {
      expectTypeOf(event).toEqualTypeOf<AnyRunStreamEvent>()
    }
    expectTypeOf(stream.snapshot()).toEqualTypeOf<RunSnapshot>()
    expectTypeOf(await stream.finalRun()).toEqualTypeOf<Run>()
    expectTypeOf(reduceRunEvent).returns.toEqualTypeOf<RunSnapshot>()
  })

  test('handlers get the folded entities', () => {
    expectTypeOf<Parameters<NonNullable<RunStreamHandlers['textDelta']>>>().toEqualTypeOf<[string, Message]>()
    expectTypeOf<Parameters<NonNullable<RunStreamHandlers['toolCallCreated']>>>().toEqualTypeOf<
      [ToolCall, RunStep]
    >()
    expectTypeOf<Parameters<NonNullable<RunStreamHandlers['runStatus']>>>().toEqualTypeOf<[Run]>()
    createRunStream(new Response(), {
      on: { stepDone: (step) => expectTypeOf(step).toEqualTypeOf<RunStep>() },
    })
  })

  test('streamWithTools returns a ToolRunStream whose finalRun is the run', async () => {
    const loop = client.runs.streamWithTools(
      threadIds,
      { assistant_id: 'a' },
      { tools: { f: async () => 1 } },
    )
    expectTypeOf(loop).toEqualTypeOf<ToolRunStream>()
    expectTypeOf(await loop.finalRun()).toEqualTypeOf<Run>()
    // @ts-expect-error the handler map is required
    client.runs.streamWithTools(threadIds, { assistant_id: 'a' }, {})
  })
})

describe('errors and helpers', () => {
  test('ToolCallError is in the error family and names the call', () => {
    expectTypeOf<ToolCallError>().toExtend<OaiRunsError>()
    expectTypeOf<ToolCallError['reason']>().toEqualTypeOf<ToolCallErrorReason>()
    expectTypeOf<ToolCallError['callId']>().toEqualTypeOf<string>()
  })

  test('createClient returns a Client; toolOutput builds one output', () => {
    expectTypeOf(createClient).returns.toEqualTypeOf<Client>()
    expectTypeOf(toolOutput('call_1', { ok: true })).toEqualTypeOf<{ tool_call_id: string; output: string }>()
  })
})
