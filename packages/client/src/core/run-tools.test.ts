// The opt-in tool loop (`client.runs.streamWithTools`) against the in-process server (checklist F10).
import { createRunsServer, demoAssistant, type FaultRule } from '@oai-runs/server'
import { afterEach, describe, expect, test } from 'vitest'
import { createClient } from './client.ts'
import { RunStreamTruncatedError, ToolCallError } from './errors.ts'

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
  const requests: string[] = []
  const client = createClient({
    baseURL: 'http://runs.test/v1',
    maxRetries: 0,
    fetch: (input, init) => {
      const request = new Request(input, init)
      requests.push(`${request.method} ${new URL(request.url).pathname.replace('/v1', '')}`)
      return server.fetch(request)
    },
  })
  const thread = (content: string) => client.threads.create({ messages: [{ role: 'user', content }] })
  const submits = () => requests.filter((line) => line.endsWith('/submit_tool_outputs')).length
  return { server, client, requests, thread, submits }
}

const PARALLEL = '/tool get_weather {"city":"Paris"}\n/tool get_time {"city":"Paris"}'

describe('streamWithTools', () => {
  test('answers a call with its handler, submits as a stream and yields the events of both streams', async () => {
    const { client, thread, submits } = setup()
    const { id: threadId } = await thread('/tool get_weather {"city":"Paris"}')
    const seenArgs: unknown[] = []
    const loop = client.runs.streamWithTools(
      { threadId },
      { assistant_id: 'asst_demo' },
      {
        tools: {
          get_weather: async (args: { city: string }) => {
            seenArgs.push(args)
            return { city: args.city, celsius: 21 }
          },
        },
      },
    )
    const names: string[] = []
    for await (const event of loop) {
      names.push(event.event)
    }
    expect(seenArgs).toEqual([{ city: 'Paris' }])
    expect(names).toContain('thread.run.requires_action')
    expect(names.at(-1)).toBe('done')
    expect(names.filter((name) => name === 'thread.run.completed')).toHaveLength(1)
    const run = await loop.finalRun()
    expect(run.status).toBe('completed')
    expect(submits()).toBe(1)
    expect(loop.snapshot().run?.status).toBe('completed')
  })

  test('two parallel calls run together and go out in one submit; finalRun() consumes the loop', async () => {
    const { client, thread, requests } = setup()
    const { id: threadId } = await thread(PARALLEL)
    let running = 0
    let most = 0
    const handler = (output: string) => async () => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 10))
      running--
      return output
    }
    const run = await client.runs
      .streamWithTools(
        { threadId },
        { assistant_id: 'asst_demo' },
        { tools: { get_weather: handler('rain'), get_time: handler('12:00') } },
      )
      .finalRun()
    expect(run.status).toBe('completed')
    expect(most).toBe(2)
    expect(requests.filter((line) => line.endsWith('/submit_tool_outputs'))).toHaveLength(1)
    expect(requests.filter((line) => line === `POST /threads/${threadId}/runs`)).toHaveLength(1)
  })

  test('a handler that throws names its call and nothing is submitted (F10)', async () => {
    const { client, thread, submits } = setup()
    const { id: threadId } = await thread(PARALLEL)
    let timeDone = false
    const loop = client.runs.streamWithTools(
      { threadId },
      { assistant_id: 'asst_demo' },
      {
        tools: {
          get_weather: async () => {
            throw new Error('weather service down')
          },
          get_time: async () => {
            await new Promise((resolve) => setTimeout(resolve, 10))
            timeDone = true
            return '12:00'
          },
        },
      },
    )
    const error = await loop.finalRun().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ToolCallError)
    expect(error).toMatchObject({ reason: 'handler_failed', toolName: 'get_weather' })
    const run = loop.snapshot().run!
    expect((error as ToolCallError).callId).toBe(run.required_action?.submit_tool_outputs?.tool_calls[0]?.id)
    expect((error as Error).message).toContain('weather service down')
    expect(timeDone).toBe(true) // the other handler ran to its end, and still nothing went out
    expect(submits()).toBe(0)
    expect(run.status).toBe('requires_action')
  })

  test('an unknown tool name or arguments that are not JSON throw a typed error naming the call', async () => {
    const { client, thread, submits } = setup()
    const unknown = await thread('/tool get_weather {"city":"Paris"}')
    const missing = await client.runs
      .streamWithTools({ threadId: unknown.id }, { assistant_id: 'asst_demo' }, { tools: {} })
      .finalRun()
      .catch((caught: unknown) => caught)
    expect(missing).toBeInstanceOf(ToolCallError)
    expect(missing).toMatchObject({ reason: 'unknown_tool', toolName: 'get_weather' })
    expect((missing as Error).message).toMatch(/get_weather.*has no handler/)

    const broken = await thread('/tool get_weather {city: Paris')
    const invalid = await client.runs
      .streamWithTools(
        { threadId: broken.id },
        { assistant_id: 'asst_demo' },
        { tools: { get_weather: async () => 'never called' } },
      )
      .finalRun()
      .catch((caught: unknown) => caught)
    expect(invalid).toBeInstanceOf(ToolCallError)
    expect(invalid).toMatchObject({ reason: 'invalid_arguments', toolName: 'get_weather' })
    expect(submits()).toBe(0)
  })

  test('a run that waits for an approval stops the loop with a ToolCallError, nothing submitted', async () => {
    const { client, thread, submits } = setup()
    const { id: threadId } = await thread('/approve get_weather {"city":"Paris"}')
    const stopped = await client.runs
      .streamWithTools(
        { threadId },
        { assistant_id: 'asst_demo' },
        { tools: { get_weather: async () => 'never called' } },
      )
      .finalRun()
      .catch((caught: unknown) => caught)
    expect(stopped).toBeInstanceOf(ToolCallError)
    expect(stopped).toMatchObject({ reason: 'not_tool_outputs', toolName: 'get_weather' })
    expect((stopped as Error).message).toMatch(/tool_approvals/)
    expect(submits()).toBe(0)
    const [run] = (await client.runs.list({ threadId })).data
    expect(run?.status).toBe('requires_action')
  })
})

describe('waitForRun and reconcile', () => {
  test('a truncated stream is reconciled by polling the run, never by creating it again (S7)', async () => {
    const { client, thread, requests } = setup([{ operation: 'createRun', stream: { cutAfterEvents: 6 } }])
    const { id: threadId } = await thread('/long 30')
    const stream = await client.runs.create({ threadId }, { assistant_id: 'asst_demo', stream: true })
    const error = await stream.finalRun().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RunStreamTruncatedError)
    const partial = (error as RunStreamTruncatedError).snapshot.run!
    expect(partial.status).not.toBe('completed')
    const run = await client.runs.reconcile({ threadId, runId: partial.id }, { intervalMs: 5 })
    expect(run.status).toBe('completed')
    expect(requests.filter((line) => line === `POST /threads/${threadId}/runs`)).toHaveLength(1)
    expect(requests.filter((line) => line.startsWith('GET ')).length).toBeGreaterThan(0)
  })

  test('waitForRun polls a run until it stops', async () => {
    const { client, thread } = setup()
    const { id: threadId } = await thread('/tool get_weather {"city":"Paris"}')
    const created = await client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const run = await client.runs.waitForRun({ threadId, runId: created.id }, { intervalMs: 5 })
    expect(run.status).toBe('requires_action')
  })
})
