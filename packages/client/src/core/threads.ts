// client.threads: create and retrieve the thread that runs work on.
import { type ApiPromise, apiPromise } from './pagination.ts'
import type { ThreadIds } from './runs.ts'
import { type CallOptions, callFields, type Transport } from './transport.ts'
import type { CreateThreadParams, Thread } from './types.ts'
import { pathId, validateParams } from './validate.ts'

/** The `client.threads` resource. */
export type ThreadsResource = {
  /** Creates a thread, optionally with its first messages (not retried after an ambiguous failure). */
  create(body?: CreateThreadParams, options?: CallOptions): ApiPromise<Thread>
  /** Fetches one thread. */
  retrieve(ids: ThreadIds, options?: CallOptions): ApiPromise<Thread>
}

/** Creates `client.threads` over a transport. */
export function createThreads(transport: Transport): ThreadsResource {
  return {
    create(body = {}, options) {
      return apiPromise(() => {
        validateParams(body)
        // A retried create after a lost response would make a second thread: retry only proven no-ops.
        return transport.request<Thread>({
          method: 'POST',
          path: '/threads',
          body,
          retry: 'safe',
          ...callFields(options),
        })
      })
    },
    retrieve(ids, options) {
      return apiPromise(() =>
        transport.request<Thread>({
          method: 'GET',
          path: `/threads/${pathId(ids?.threadId, 'threadId')}`,
          ...callFields(options),
        }),
      )
    },
  }
}
