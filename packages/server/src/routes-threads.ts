import { unixSeconds } from './clock.ts'
import type { Route, RouteContext } from './context.ts'
import { notFound, readJsonBody } from './http.ts'
import { buildAssistant, buildMessage, buildThread } from './objects.ts'
import { paginate, readListQuery } from './pagination.ts'
import type { MessageObject, ThreadObject } from './types.ts'
import { assertValid, requestSchema } from './validate.ts'

async function validBody(context: RouteContext, operation: string) {
  const body = await readJsonBody(context.request)
  assertValid(requestSchema(operation), body)
  return body
}

/** The assistant of an id, or a 404. */
export function getAssistant(context: RouteContext, id: string) {
  const assistant = context.store.assistants.get(id)
  if (!assistant) {
    throw notFound('assistant', id)
  }
  return assistant
}

/** The thread of an id, or a 404. */
export function getThread(context: RouteContext, id: string): ThreadObject {
  const thread = context.store.threads.get(id)
  if (!thread) {
    throw notFound('thread', id)
  }
  return thread
}

/** Creates a thread and its initial messages (createThread, createThreadAndRun). */
export function createThreadWithMessages(context: RouteContext, body: Record<string, unknown>): ThreadObject {
  const at = unixSeconds(context.clock)
  const thread = buildThread(context.ids, at, body)
  context.store.threads.put(thread)
  for (const message of (body.messages as Record<string, unknown>[] | undefined) ?? []) {
    context.store.messages.put(thread.id, buildMessage(context.ids, at, thread.id, message))
  }
  return thread
}

function getMessage(context: RouteContext): MessageObject {
  const thread = getThread(context, context.params.thread_id!)
  const message = context.store.messages.get(thread.id, context.params.message_id!)
  if (!message) {
    throw notFound('message', context.params.message_id!)
  }
  return message
}

/** Assistants, threads and messages: what a run needs around it. */
export const threadRoutes: Route[] = [
  {
    method: 'POST',
    path: '/assistants',
    operation: 'createAssistant',
    handler: async (context) => {
      const body = await validBody(context, 'createAssistant')
      const assistant = buildAssistant(context.ids, unixSeconds(context.clock), body)
      context.store.assistants.put(assistant)
      return assistant
    },
  },
  {
    method: 'GET',
    path: '/assistants',
    operation: 'listAssistants',
    handler: (context) => paginate(context.store.assistants.list(), readListQuery(context.url)),
  },
  {
    method: 'GET',
    path: '/assistants/{assistant_id}',
    operation: 'getAssistant',
    handler: (context) => getAssistant(context, context.params.assistant_id!),
  },
  {
    method: 'POST',
    path: '/assistants/{assistant_id}',
    operation: 'modifyAssistant',
    handler: async (context) => {
      const assistant = getAssistant(context, context.params.assistant_id!)
      const body = await validBody(context, 'modifyAssistant')
      const { reasoning_effort: _effort, ...changes } = body
      const updated = { ...assistant, ...changes, id: assistant.id }
      context.store.assistants.put(updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/assistants/{assistant_id}',
    operation: 'deleteAssistant',
    handler: (context) => {
      const assistant = getAssistant(context, context.params.assistant_id!)
      context.store.assistants.delete(assistant.id)
      return { id: assistant.id, object: 'assistant.deleted', deleted: true }
    },
  },
  {
    method: 'POST',
    path: '/threads',
    operation: 'createThread',
    handler: async (context) => createThreadWithMessages(context, await validBody(context, 'createThread')),
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}',
    operation: 'getThread',
    handler: (context) => getThread(context, context.params.thread_id!),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}',
    operation: 'modifyThread',
    handler: async (context) => {
      const thread = getThread(context, context.params.thread_id!)
      const body = await validBody(context, 'modifyThread')
      const updated: ThreadObject = {
        ...thread,
        ...(body.metadata !== undefined ? { metadata: body.metadata as ThreadObject['metadata'] } : {}),
        ...(body.tool_resources !== undefined
          ? { tool_resources: body.tool_resources as ThreadObject['tool_resources'] }
          : {}),
      }
      context.store.threads.put(updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}',
    operation: 'deleteThread',
    handler: (context) => {
      const thread = getThread(context, context.params.thread_id!)
      for (const run of context.store.runs.list(thread.id)) {
        context.store.steps.deleteScope(run.id)
      }
      context.store.runs.deleteScope(thread.id)
      context.store.messages.deleteScope(thread.id)
      context.store.threads.delete(thread.id)
      return { id: thread.id, object: 'thread.deleted', deleted: true }
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/messages',
    operation: 'createMessage',
    handler: async (context) => {
      const thread = getThread(context, context.params.thread_id!)
      const body = await validBody(context, 'createMessage')
      const active = context.engine.activeRun(thread.id)
      if (active) {
        throw context.engine.messageDuringRunError(thread.id, active.id)
      }
      const message = buildMessage(context.ids, unixSeconds(context.clock), thread.id, body)
      context.store.messages.put(thread.id, message)
      return message
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/messages',
    operation: 'listMessages',
    handler: (context) => {
      const thread = getThread(context, context.params.thread_id!)
      const runId = context.url.searchParams.get('run_id')
      const messages = context.store.messages
        .list(thread.id)
        .filter((message) => !runId || message.run_id === runId)
      return paginate(messages, readListQuery(context.url))
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/messages/{message_id}',
    operation: 'getMessage',
    handler: (context) => getMessage(context),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/messages/{message_id}',
    operation: 'modifyMessage',
    handler: async (context) => {
      const message = getMessage(context)
      const body = await validBody(context, 'modifyMessage')
      const updated: MessageObject = {
        ...message,
        ...(body.metadata !== undefined ? { metadata: body.metadata as MessageObject['metadata'] } : {}),
      }
      context.store.messages.put(message.thread_id, updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}/messages/{message_id}',
    operation: 'deleteMessage',
    handler: (context) => {
      const message = getMessage(context)
      context.store.messages.delete(message.thread_id, message.id)
      return { id: message.id, object: 'thread.message.deleted', deleted: true }
    },
  },
]
