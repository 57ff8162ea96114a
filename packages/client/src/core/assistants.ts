// client.assistants: read the assistants that runs use (creating them is out of scope for a Runs client).
import { type ApiPromise, apiPromise, type PagePromise, pagePromise } from './pagination.ts'
import { type CallOptions, callFields, type Transport } from './transport.ts'
import type { Assistant, ListParams, ListResponse } from './types.ts'
import { pathId } from './validate.ts'

/** Identifies an assistant. */
export type AssistantIds = { assistantId: string }

/** The `client.assistants` resource. */
export type AssistantsResource = {
  /** Fetches one assistant. */
  retrieve(ids: AssistantIds, options?: CallOptions): ApiPromise<Assistant>
  /** Lists assistants; await for a page or `for await` every assistant. */
  list(query?: ListParams, options?: CallOptions): PagePromise<Assistant>
}

/** Creates `client.assistants` over a transport. */
export function createAssistants(transport: Transport): AssistantsResource {
  return {
    retrieve(ids, options) {
      return apiPromise(() =>
        transport.request<Assistant>({
          method: 'GET',
          path: `/assistants/${pathId(ids?.assistantId, 'assistantId')}`,
          ...callFields(options),
        }),
      )
    },
    list(query = {}, options) {
      return pagePromise(query, (pageQuery) =>
        transport.request<ListResponse<Assistant>>({
          method: 'GET',
          path: '/assistants',
          query: pageQuery,
          ...callFields(options),
        }),
      )
    },
  }
}
