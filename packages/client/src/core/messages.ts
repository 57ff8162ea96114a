// client.messages: create, list and retrieve the messages of a thread.
import { type ApiPromise, apiPromise, type PagePromise, pagePromise } from './pagination.ts'
import type { ThreadIds } from './runs.ts'
import { type CallOptions, callFields, type Transport } from './transport.ts'
import type { CreateMessageParams, ListParams, ListResponse, Message } from './types.ts'
import { pathId, validateParams } from './validate.ts'

/** Identifies a message of a thread. */
export type MessageIds = ThreadIds & { messageId: string }

/** The query of `messages.list`: cursor fields plus `run_id` (only the messages a run created). */
export type ListMessagesQuery = ListParams & { run_id?: string | undefined }

/** The `client.messages` resource. */
export type MessagesResource = {
  /** Adds a message to a thread (fails with ActiveRunError while a run holds the thread). */
  create(ids: ThreadIds, body: CreateMessageParams, options?: CallOptions): ApiPromise<Message>
  /** Lists the messages of a thread (newest first by default); await for a page or `for await` every one. */
  list(ids: ThreadIds, query?: ListMessagesQuery, options?: CallOptions): PagePromise<Message>
  /** Fetches one message. */
  retrieve(ids: MessageIds, options?: CallOptions): ApiPromise<Message>
}

const messagesPath = (ids: ThreadIds) => `/threads/${pathId(ids?.threadId, 'threadId')}/messages`

/** Creates `client.messages` over a transport. */
export function createMessages(transport: Transport): MessagesResource {
  return {
    create(ids, body, options) {
      return apiPromise(() => {
        validateParams(body)
        // A retried create after a lost response would duplicate the message: retry only proven no-ops.
        return transport.request<Message>({
          method: 'POST',
          path: messagesPath(ids),
          body,
          retry: 'safe',
          ...callFields(options),
        })
      })
    },
    list(ids, query = {}, options) {
      return pagePromise(query, (pageQuery) =>
        transport.request<ListResponse<Message>>({
          method: 'GET',
          path: messagesPath(ids),
          query: pageQuery,
          ...callFields(options),
        }),
      )
    },
    retrieve(ids, options) {
      return apiPromise(() =>
        transport.request<Message>({
          method: 'GET',
          path: `${messagesPath(ids)}/${pathId(ids?.messageId, 'messageId')}`,
          ...callFields(options),
        }),
      )
    },
  }
}
