import { unixSeconds } from './clock.ts'
import type { Route, RouteContext } from './context.ts'
import { badRequest, jsonResponse, notFound, readJsonBody } from './http.ts'
import { buildMessage, field, includeFileSearchContent, presentEvent, presentStep } from './objects.ts'
import { paginate, readListQuery } from './pagination.ts'
import { createThreadWithMessages, getAssistant, getThread } from './routes-threads.ts'
import { sseHeaders, streamRun } from './sse.ts'
import type { AssistantObject, RunObject, StreamEvent, ThreadObject } from './types.ts'
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

function getRun(context: RouteContext): RunObject {
  const thread = getThread(context, context.params.thread_id!)
  const run = context.store.runs.get(thread.id, context.params.run_id!)
  if (!run) {
    throw notFound('run', context.params.run_id!)
  }
  return context.engine.refresh(run)
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

/** Answers a started run: as JSON (`queued`), or as the run's event stream when `stream: true`. */
function answerRun(
  context: RouteContext,
  run: RunObject,
  body: Record<string, unknown>,
  includeContent: boolean,
  start: () => void,
  prelude: StreamEvent[] = [],
) {
  if (body.stream !== true) {
    start()
    return jsonResponse(run, 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
  }
  const stream = streamRun({
    hub: context.hub,
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
      const thread = getThread(context, context.params.thread_id!)
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('createRun'), body)
      const assistant = getAssistant(context, body.assistant_id as string)
      const active = context.engine.activeRun(thread.id)
      if (active) {
        throw context.engine.activeRunError(thread.id, active.id)
      }
      const at = unixSeconds(context.clock)
      for (const message of field<Record<string, unknown>[]>(body, 'additional_messages', [])) {
        context.store.messages.put(thread.id, buildMessage(context.ids, at, thread.id, message))
      }
      const run = buildRun(context, thread, assistant, body)
      context.store.runs.put(thread.id, run)
      return answerRun(context, run, body, includeContent, () => context.engine.start(run))
    },
  },
  {
    method: 'POST',
    path: '/threads/runs',
    operation: 'createThreadAndRun',
    handler: async (context) => {
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('createThreadAndRun'), body)
      const assistant = getAssistant(context, body.assistant_id as string)
      const threadBody = field<Record<string, unknown>>(body, 'thread', {})
      // The request's own `tool_resources` (for the assistant's tools in this run) become the new thread's, where the
      // thread names none for that tool: the run's tools read the assistant's and the thread's resources.
      const toolResources = body.tool_resources
      const thread = createThreadWithMessages(
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
      context.store.runs.put(thread.id, run)
      return answerRun(context, run, body, false, () => context.engine.start(run), [
        { event: 'thread.created', data: thread },
      ])
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs',
    operation: 'listRuns',
    handler: (context) => {
      const thread = getThread(context, context.params.thread_id!)
      const runs = context.store.runs.list(thread.id).map(context.engine.refresh)
      return paginate(runs, readListQuery(context.url))
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
      const run = getRun(context)
      const body = await readJsonBody(context.request)
      assertValid(requestSchema('modifyRun'), body)
      const updated: RunObject =
        body.metadata === undefined ? run : { ...run, metadata: body.metadata as RunObject['metadata'] }
      context.store.runs.put(run.thread_id, updated)
      return updated
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/cancel',
    operation: 'cancelRun',
    handler: (context) => {
      const run = getRun(context)
      return context.engine.cancel(run.thread_id, run.id, context.fault?.cancelLosesRace === true)
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
    operation: 'submitToolOuputsToRun',
    handler: async (context) => {
      const run = getRun(context)
      const body = await readJsonBody(context.request)
      const current = context.engine.refresh(run)
      if (current.status === 'requires_action' && current.required_action?.type === 'submit_tool_approval') {
        if (
          body.tool_approvals === undefined &&
          Array.isArray(body.tool_outputs) &&
          body.tool_outputs.length
        ) {
          context.engine.checkToolOutputs(run.thread_id, run.id, body.tool_outputs) // throws: the wrong answer
        }
        assertValid(toolApprovalsBody, body)
        const approvals = body.tool_approvals as { tool_call_id: string; approve: boolean }[]
        let queued: RunObject | undefined
        const start = () => {
          queued = context.engine.submitToolApprovals(run.thread_id, run.id, approvals)
        }
        if (body.stream !== true) {
          start()
          return jsonResponse(queued, 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
        }
        context.engine.checkToolApprovals(run.thread_id, run.id, approvals)
        return answerRun(context, run, body, false, start)
      }
      assertValid(requestSchema('submitToolOuputsToRun'), body)
      const outputs = body.tool_outputs as { tool_call_id?: string; output?: string }[]
      let queued: RunObject | undefined
      const start = () => {
        queued = context.engine.submitToolOutputs(run.thread_id, run.id, outputs)
      }
      if (body.stream !== true) {
        start()
        return jsonResponse(queued, 200, { 'openai-poll-after-ms': String(context.pollAfterMs) })
      }
      // Validate before the stream opens, so a bad submit is a 400, not a broken stream.
      context.engine.checkToolOutputs(run.thread_id, run.id, outputs)
      return answerRun(context, run, body, false, start)
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps',
    operation: 'listRunSteps',
    handler: (context) => {
      const includeContent = readInclude(context.url)
      const run = getRun(context)
      const page = paginate(context.store.steps.list(run.id), readListQuery(context.url))
      return { ...page, data: page.data.map((step) => presentStep(step, includeContent)) }
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps/{step_id}',
    operation: 'getRunStep',
    handler: (context) => {
      const includeContent = readInclude(context.url)
      const run = getRun(context)
      const step = context.store.steps.get(run.id, context.params.step_id!)
      if (!step) {
        throw notFound('run step', context.params.step_id!)
      }
      return presentStep(step, includeContent)
    },
  },
]
