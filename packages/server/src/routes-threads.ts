import { unixSeconds } from './clock.ts'
import type { Route, RouteContext } from './context.ts'
import type { RunsData } from './data.ts'
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
export async function getAssistant(context: RouteContext, id: string) {
  const assistant = await context.data.assistants.get(id)
  if (!assistant) {
    throw notFound('assistant', id)
  }
  return assistant
}

/** The thread of an id, or a 404. */
export async function getThread(context: RouteContext, id: string): Promise<ThreadObject> {
  const thread = await context.data.threads.get(id)
  if (!thread) {
    throw notFound('thread', id)
  }
  return thread
}

/** Builds a thread and its initial messages (createThread, createThreadAndRun); `save` writes them. */
export function buildThreadWithMessages(context: RouteContext, body: Record<string, unknown>) {
  const at = unixSeconds(context.clock)
  const thread = buildThread(context.ids, at, body)
  const messages = ((body.messages as Record<string, unknown>[] | undefined) ?? []).map((message) =>
    buildMessage(context.ids, at, thread.id, message),
  )
  return { thread, messages }
}

/** Writes a new thread and its messages through `data` (inside a transaction where the store has them). */
export async function saveThread(data: RunsData, thread: ThreadObject, messages: MessageObject[]) {
  await data.threads.put(thread)
  for (const message of messages) {
    await data.messages.put(thread.id, message)
  }
}

async function getMessage(context: RouteContext): Promise<MessageObject> {
  const thread = await getThread(context, context.params.thread_id!)
  const message = await context.data.messages.get(thread.id, context.params.message_id!)
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
      await context.data.assistants.put(assistant)
      return assistant
    },
  },
  {
    method: 'GET',
    path: '/assistants',
    operation: 'listAssistants',
    handler: (context) => context.data.assistants.page(readListQuery(context.url)),
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
      const assistant = await getAssistant(context, context.params.assistant_id!)
      const body = await validBody(context, 'modifyAssistant')
      const { reasoning_effort: _effort, ...changes } = body
      const updated = { ...assistant, ...changes, id: assistant.id }
      await context.data.assistants.put(updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/assistants/{assistant_id}',
    operation: 'deleteAssistant',
    handler: async (context) => {
      const assistant = await getAssistant(context, context.params.assistant_id!)
      await context.data.assistants.delete(assistant.id)
      return { id: assistant.id, object: 'assistant.deleted', deleted: true }
    },
  },
  {
    method: 'POST',
    path: '/threads',
    operation: 'createThread',
    handler: async (context) => {
      const { thread, messages } = buildThreadWithMessages(context, await validBody(context, 'createThread'))
      await context.data.transaction((data) => saveThread(data, thread, messages))
      return thread
    },
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
      const thread = await getThread(context, context.params.thread_id!)
      const body = await validBody(context, 'modifyThread')
      const updated: ThreadObject = {
        ...thread,
        ...(body.metadata !== undefined ? { metadata: body.metadata as ThreadObject['metadata'] } : {}),
        ...(body.tool_resources !== undefined
          ? { tool_resources: body.tool_resources as ThreadObject['tool_resources'] }
          : {}),
      }
      await context.data.threads.put(updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}',
    operation: 'deleteThread',
    handler: async (context) => {
      const thread = await getThread(context, context.params.thread_id!)
      await context.data.transaction(async (data) => {
        for (const run of await data.runs.list(thread.id)) {
          await data.steps.deleteScope(run.id)
        }
        await data.runs.deleteScope(thread.id)
        await data.messages.deleteScope(thread.id)
        await data.threads.delete(thread.id)
      })
      return { id: thread.id, object: 'thread.deleted', deleted: true }
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/messages',
    operation: 'createMessage',
    handler: async (context) => {
      const thread = await getThread(context, context.params.thread_id!)
      const body = await validBody(context, 'createMessage')
      const active = await context.runs.activeRun(thread.id)
      if (active) {
        throw context.runs.messageDuringRunError(thread.id, active.id)
      }
      const message = buildMessage(context.ids, unixSeconds(context.clock), thread.id, body)
      await context.data.messages.put(thread.id, message)
      return message
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/messages',
    operation: 'listMessages',
    handler: async (context) => {
      const thread = await getThread(context, context.params.thread_id!)
      const runId = context.url.searchParams.get('run_id')
      const query = readListQuery(context.url)
      if (!runId) {
        return context.data.messages.page(thread.id, query)
      }
      const messages = (await context.data.messages.list(thread.id)).filter(
        (message) => message.run_id === runId,
      )
      return paginate(messages, query)
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
      const message = await getMessage(context)
      const body = await validBody(context, 'modifyMessage')
      const updated: MessageObject = {
        ...message,
        ...(body.metadata !== undefined ? { metadata: body.metadata as MessageObject['metadata'] } : {}),
      }
      await context.data.messages.put(message.thread_id, updated)
      return updated
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{thread_id}/messages/{message_id}',
    operation: 'deleteMessage',
    handler: async (context) => {
      const message = await getMessage(context)
      await context.data.messages.delete(message.thread_id, message.id)
      return { id: message.id, object: 'thread.message.deleted', deleted: true }
    },
  },
]
