import { unixSeconds } from './clock.ts'
import type { Route, RouteContext } from './context.ts'
import { ActiveRunConflictError } from './data.ts'
import { badRequest, HttpError, jsonResponse, notFound, readJsonBody } from './http.ts'
import { buildMessage, field, includeFileSearchContent, presentEvent, presentStep } from './objects.ts'
import { readListQuery } from './pagination.ts'
import { buildThreadWithMessages, getAssistant, getThread, saveThread } from './routes-threads.ts'
import { sseHeaders, streamRun, streamStoredEvents } from './sse.ts'
import type { AssistantObject, MessageObject, RunObject, StreamEvent, ThreadObject } from './types.ts'
import { assertValid, requestSchema, type Schema } from './validate.ts'

/** Seconds from creation until a run expires, as on the hosted API. */
export const runLifetimeSeconds = 600

/** Reads `include[]` and checks its values against the spec's single allowed value. */
function readInclude(url: URL): boolean {
  const values = [...url.searchParams.getAll('include[]'), ...url.searchParams.getAll('include')]
  for (const value of values) {
    if (value !== includeFileSearchContent) {
      throw badRequest(
        `Invalid value: '${value}'. Supported values are: '${includeFileSearchContent}'.`,
        'include[]',
        'invalid_value',
      )
    }
  }
  return values.length > 0
}

/**
 * The body answering Azure AI Agents' `submit_tool_approval` action (its `ToolApproval`s): not in OpenAI's spec,
 * accepted only while a run waits for approvals. `headers` are accepted and not used by the scripted host.
 */
const toolApprovalsBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tool_approvals: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tool_call_id: { type: 'string', minLength: 1 },
          approve: { type: 'boolean' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
        },
        required: ['tool_call_id', 'approve'],
      },
    },
    tool_outputs: { type: 'array', maxItems: 0 },
    stream: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
  },
  required: ['tool_approvals'],
}

async function getRun(context: RouteContext): Promise<RunObject> {
  const thread = await getThread(context, context.params.thread_id!)
  const run = await context.data.runs.get(thread.id, context.params.run_id!)
  if (!run) {
    throw notFound('run', context.params.run_id!)
  }
  return context.runs.refresh(run)
}

/**
 * Saves a new queued run with what comes with it (a new thread, additional messages) as one unit. A second active
 * run on the thread, however it raced this one (another request, another instance), is the API's 400.
 */
async function saveRun(
  context: RouteContext,
  run: RunObject,
  messages: MessageObject[],
  thread?: ThreadObject,
): Promise<void> {
  try {
    await context.data.transaction(async (data) => {
      if (thread) {
        await saveThread(data, thread, [])
      }
      for (const message of messages) {
        await data.messages.put(run.thread_id, message)
      }
      await data.runs.put(run.thread_id, run)
    })
  } catch (error) {
    if (error instanceof ActiveRunConflictError) {
      throw context.runs.activeRunError(error.threadId, error.activeRunId ?? '(ended since)')
    }
    throw error
  }
}

function buildRun(
  context: RouteContext,
  thread: ThreadObject,
  assistant: AssistantObject,
  body: Record<string, unknown>,
): RunObject {
  const at = unixSeconds(context.clock)
  const additional = field<string | null>(body, 'additional_instructions', null)
  const instructions = field<string>(body, 'instructions', assistant.instructions ?? '')
  return {
    id: context.ids('run'),
    object: 'thread.run',
    created_at: at,
    thread_id: thread.id,
    assistant_id: assistant.id,
    status: 'queued',
    required_action: null,
    last_error: null,
    expires_at: at + runLifetimeSeconds,
    started_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model: field(body, 'model', assistant.model),
    instructions: additional ? `${instructions}\n\n${additional}`.trim() : instructions,
    tools: field(body, 'tools', assistant.tools),
    metadata: field(body, 'metadata', {}),
    usage: null,
    temperature: field(body, 'temperature', assistant.temperature ?? 1),
    top_p: field(body, 'top_p', assistant.top_p ?? 1),
    max_prompt_tokens: field(body, 'max_prompt_tokens', null),
    max_completion_tokens: field(body, 'max_completion_tokens', null),
    truncation_strategy: field(body, 'truncation_strategy', { type: 'auto', last_messages: null }),
    tool_choice: field(body, 'tool_choice', 'auto'),
    parallel_tool_calls: field(body, 'parallel_tool_calls', true),
    response_format: field(body, 'response_format', assistant.response_format ?? 'auto'),
  }
}

/** Where a follow starts: after the `Last-Event-ID` header's event, or `?after=`, or from the first event. */
function readAfterSeq(context: RouteContext): number {
  const raw = context.url.searchParams.get('after') ?? context.request.headers.get('last-event-id') ?? '0'
  const after = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(after)) {
    throw badRequest(
      `Invalid 'after': expected the non-negative integer id of an event of this stream, but got '${raw.slice(0, 40)}'.`,
      'after',
      'invalid_value',
    )
  }
  return after
}

/** Answers a started run: as JSON (`queued`), or as the run's event stream when `stream: true`. */
async function answerRun(
  context: RouteContext,
  run: RunObject,
  body: Record<string, unknown>,
  includeContent: boolean,
  start: () => Promise<unknown>,
  prelude: StreamEvent[] = [],
) {
  if (body.stream !== true) {
    await start()
    return jsonResponse(run, 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
  }
  const stream = streamRun({
    hub: context.runs.hub,
    runId: run.id,
    prelude,
    present: presentEvent(includeContent),
    ...(context.fault?.stream ? { fault: context.fault.stream } : {}),
    start,
  })
  return new Response(stream, { status: 200, headers: sseHeaders })
}

/** Runs and run steps. */
export const runRoutes: Route[] = [
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs',
    operation: 'createRun',
    handler: async (context) => {
      const includeContent = readInclude(context.url)
      const thread = await getThread(context, context.params.thread_id!)
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('createRun'), body)
      const assistant = await getAssistant(context, body.assistant_id as string)
      const active = await context.runs.activeRun(thread.id)
      if (active) {
        throw context.runs.activeRunError(thread.id, active.id)
      }
      const at = unixSeconds(context.clock)
      const messages = field<Record<string, unknown>[]>(body, 'additional_messages', []).map((message) =>
        buildMessage(context.ids, at, thread.id, message),
      )
      const run = buildRun(context, thread, assistant, body)
      await saveRun(context, run, messages)
      return answerRun(context, run, body, includeContent, () => context.runs.start(run))
    },
  },
  {
    method: 'POST',
    path: '/threads/runs',
    operation: 'createThreadAndRun',
    handler: async (context) => {
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('createThreadAndRun'), body)
      const assistant = await getAssistant(context, body.assistant_id as string)
      const threadBody = field<Record<string, unknown>>(body, 'thread', {})
      // The request's own `tool_resources` (for the assistant's tools in this run) become the new thread's, where the
      // thread names none for that tool: the run's tools read the assistant's and the thread's resources.
      const toolResources = body.tool_resources
      const { thread, messages } = buildThreadWithMessages(
        context,
        toolResources && typeof toolResources === 'object'
          ? {
              ...threadBody,
              tool_resources: {
                ...(toolResources as Record<string, unknown>),
                ...field<Record<string, unknown>>(threadBody, 'tool_resources', {}),
              },
            }
          : threadBody,
      )
      const run = buildRun(context, thread, assistant, body)
      await saveRun(context, run, messages, thread)
      return answerRun(context, run, body, false, () => context.runs.start(run), [
        { event: 'thread.created', data: thread },
      ])
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs',
    operation: 'listRuns',
    handler: async (context) => {
      const thread = await getThread(context, context.params.thread_id!)
      const page = await context.data.runs.page(thread.id, readListQuery(context.url))
      return { ...page, data: await Promise.all(page.data.map((run) => context.runs.refresh(run))) }
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}',
    operation: 'getRun',
    handler: (context) => getRun(context),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}',
    operation: 'modifyRun',
    handler: async (context) => {
      const run = await getRun(context)
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('modifyRun'), body)
      const updated: RunObject =
        body.metadata === undefined ? run : { ...run, metadata: body.metadata as RunObject['metadata'] }
      await context.data.runs.put(run.thread_id, updated)
      return updated
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/cancel',
    operation: 'cancelRun',
    handler: async (context) => {
      const run = await getRun(context)
      return context.runs.cancel(run.thread_id, run.id, context.fault?.cancelLosesRace === true)
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
    operation: 'submitToolOuputsToRun',
    handler: async (context) => {
      const run = await getRun(context)
      const body = await readJsonBody(context.request)
      const current = await context.runs.refresh(run)
      if (current.status === 'requires_action' && current.required_action?.type === 'submit_tool_approval') {
        if (
          body.tool_approvals === undefined &&
          Array.isArray(body.tool_outputs) &&
          body.tool_outputs.length
        ) {
          await context.runs.checkToolOutputs(run.thread_id, run.id, body.tool_outputs) // throws: the wrong answer
        }
        assertValid(toolApprovalsBody, body)
        const approvals = body.tool_approvals as { tool_call_id: string; approve: boolean }[]
        const start = () => context.runs.submitToolApprovals(run.thread_id, run.id, approvals)
        if (body.stream !== true) {
          return jsonResponse(await start(), 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
        }
        await context.runs.checkToolApprovals(run.thread_id, run.id, approvals)
        return answerRun(context, run, body, false, start)
      }
      assertValid(requestSchema('submitToolOuputsToRun'), body)
      const outputs = body.tool_outputs as { tool_call_id?: string; output?: string }[]
      const start = () => context.runs.submitToolOutputs(run.thread_id, run.id, outputs)
      if (body.stream !== true) {
        return jsonResponse(await start(), 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
      }
      // Validate before the stream opens, so a bad submit is a 400, not a broken stream.
      await context.runs.checkToolOutputs(run.thread_id, run.id, outputs)
      return answerRun(context, run, body, false, start)
    },
  },
  {
    // Not in OpenAI's API: follows a run's stream from any instance (and resumes it after a dropped connection).
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/events',
    operation: 'followRunEvents',
    handler: async (context) => {
      const includeContent = readInclude(context.url)
      const run = await getRun(context)
      const follow = context.runs.follow
      if (!follow) {
        throw new HttpError(
          404,
          'Following the stored events of a run needs a store that keeps them: start the server on the Postgres store (--db postgres://…).',
        )
      }
      const after = readAfterSeq(context)
      return new Response(
        streamStoredEvents((signal) => follow(run.id, after, signal), presentEvent(includeContent)),
        { status: 200, headers: sseHeaders },
      )
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps',
    operation: 'listRunSteps',
    handler: async (context) => {
      const includeContent = readInclude(context.url)
      const run = await getRun(context)
      const page = await context.data.steps.page(run.id, readListQuery(context.url))
      return { ...page, data: page.data.map((step) => presentStep(step, includeContent)) }
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps/{step_id}',
    operation: 'getRunStep',
    handler: async (context) => {
      const includeContent = readInclude(context.url)
      const run = await getRun(context)
      const step = await context.data.steps.get(run.id, context.params.step_id!)
      if (!step) {
        throw notFound('run step', context.params.step_id!)
      }
      return presentStep(step, includeContent)
    },
  },
]
