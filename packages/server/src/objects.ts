import type { IdGenerator } from './ids.ts'
import type {
  AssistantObject,
  MessageContent,
  MessageObject,
  RunStepObject,
  StreamEvent,
  ThreadObject,
} from './types.ts'
import { isOpenAiToolCall } from './types.ts'

type Body = Record<string, unknown>

/** The value of a request field, or `fallback` when it is absent or `null`. */
export function field<T>(body: Body, key: string, fallback: T): T {
  const value = body[key]
  return value === undefined || value === null ? fallback : (value as T)
}

/** Builds an assistant from a validated CreateAssistantRequest. */
export function buildAssistant(ids: IdGenerator, at: number, body: Body): AssistantObject {
  return {
    id: ids('asst'),
    object: 'assistant',
    created_at: at,
    name: field(body, 'name', null),
    description: field(body, 'description', null),
    model: field(body, 'model', 'gpt-4o'),
    instructions: field(body, 'instructions', null),
    tools: field(body, 'tools', []),
    tool_resources: field(body, 'tool_resources', {}),
    metadata: field(body, 'metadata', {}),
    temperature: field(body, 'temperature', 1),
    top_p: field(body, 'top_p', 1),
    response_format: field(body, 'response_format', 'auto'),
  }
}

/** Builds a thread from a validated CreateThreadRequest (its messages are built separately). */
export function buildThread(ids: IdGenerator, at: number, body: Body): ThreadObject {
  const resources = field<Record<string, unknown>>(body, 'tool_resources', {})
  return {
    id: ids('thread'),
    object: 'thread',
    created_at: at,
    tool_resources: resources,
    metadata: field(body, 'metadata', {}),
  }
}

/** Turns a CreateMessageRequest's `content` (a string or parts) into message content parts. */
function buildContent(content: unknown): MessageContent[] {
  if (typeof content === 'string') {
    return [{ type: 'text', text: { value: content, annotations: [] } }]
  }
  return (content as Body[]).map((part): MessageContent => {
    if (part.type === 'text') {
      return { type: 'text', text: { value: String(part.text), annotations: [] } }
    }
    return part as MessageContent
  })
}

/** Builds a completed user or assistant message from a validated CreateMessageRequest. */
export function buildMessage(ids: IdGenerator, at: number, threadId: string, body: Body): MessageObject {
  return {
    id: ids('msg'),
    object: 'thread.message',
    created_at: at,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: at,
    incomplete_at: null,
    role: body.role as 'user' | 'assistant',
    content: buildContent(body.content),
    assistant_id: null,
    run_id: null,
    attachments: field(body, 'attachments', []),
    metadata: field(body, 'metadata', {}),
  }
}

/** The `include[]` value that adds file-search result content to run steps. */
export const includeFileSearchContent = 'step_details.tool_calls[*].file_search.results[*].content'

/** A run step as sent: file-search result `content` only when `include[]` asked for it. */
export function presentStep(step: RunStepObject, includeContent: boolean): RunStepObject {
  if (includeContent || step.step_details.type !== 'tool_calls') {
    return step
  }
  const hasContent = step.step_details.tool_calls.some(
    (call) =>
      isOpenAiToolCall(call) &&
      call.type === 'file_search' &&
      call.file_search.results?.some((result) => result.content),
  )
  if (!hasContent) {
    return step
  }
  return {
    ...step,
    step_details: {
      type: 'tool_calls',
      tool_calls: step.step_details.tool_calls.map((call) =>
        isOpenAiToolCall(call) && call.type === 'file_search'
          ? {
              ...call,
              file_search: {
                ...call.file_search,
                results: call.file_search.results?.map(({ content: _content, ...result }) => result),
              },
            }
          : call,
      ),
    },
  }
}

/** A stream-event presenter applying `presentStep` to step events. */
export function presentEvent(includeContent: boolean) {
  return (event: StreamEvent): StreamEvent => {
    const data = event.data as { object?: string }
    if (data?.object === 'thread.run.step') {
      return { event: event.event, data: presentStep(event.data as RunStepObject, includeContent) }
    }
    return event
  }
}
