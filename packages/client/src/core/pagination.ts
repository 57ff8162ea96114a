// What resource calls return: an `ApiPromise` (a Promise of the data that can also give the raw Response)
// and, for lists, a `Page` that pages forward (or backward with `before`) and iterates every item.
import { OaiRunsError } from './errors.ts'
import type { ApiResult } from './transport.ts'
import type { ListResponse } from './types.ts'
import { validateParams } from './validate.ts'

/** A Promise of the response data; `.withResponse()` gives the data with its raw `Response` and request id. */
export type ApiPromise<T> = Promise<T> & {
  /** Resolves to `{ data, response, requestId, retryCount }`. */
  withResponse(): Promise<ApiResult<T>>
}

/** Starts a request (a throw while starting becomes a rejection) so callers can await data or the response. */
export function apiPromise<T>(start: () => Promise<ApiResult<T>>): ApiPromise<T> {
  let result: Promise<ApiResult<T>>
  try {
    result = start()
  } catch (error) {
    result = Promise.reject(error)
  }
  result.catch(() => undefined) // the data branch below reports the error; this only marks it handled
  const data = result.then((value) => value.data)
  // Callers who only use withResponse() must not get an unhandled rejection from the data branch.
  data.catch(() => undefined)
  return Object.assign(data, { withResponse: () => result })
}

/** Cursor query of list operations. */
export type PageQuery = { limit?: number; order?: 'asc' | 'desc'; after?: string; before?: string }

/** One page of a list: the wire fields plus `hasNextPage()`/`nextPage()`; iterating it walks every item. */
export type Page<T> = ListResponse<T> &
  AsyncIterable<T> & {
    /** True when the server says more items follow in the paging direction. */
    hasNextPage(): boolean
    /** Fetches the next page (`after` = the last item's id; with `before`, the first item's id). */
    nextPage(): Promise<Page<T>>
  }

/** A list call: await it for the first `Page`, or `for await` it directly to walk every item of every page. */
export type PagePromise<T> = ApiPromise<Page<T>> & AsyncIterable<T>

type FetchPage<T, Q extends PageQuery> = (query: Q) => Promise<ApiResult<ListResponse<T>>>

function toPage<T extends { id: string }, Q extends PageQuery>(
  list: ListResponse<T>,
  query: Q,
  fetchPage: FetchPage<T, Q>,
): Page<T> {
  const backward = query.before !== undefined && query.after === undefined
  const data = Array.isArray(list.data) ? list.data : []
  const hasNextPage = () => list.has_more === true && data.length > 0
  const nextQuery = (): Q => {
    // NODE CursorPage: the cursor is the edge item's id, not last_id, as the API documents `after`/`before`.
    const edge = backward ? data[0] : data[data.length - 1]
    return backward ? { ...query, before: edge?.id } : { ...query, after: edge?.id }
  }
  const page: Page<T> = {
    ...list,
    data,
    hasNextPage,
    async nextPage() {
      if (!hasNextPage()) {
        throw new OaiRunsError('There is no next page; check hasNextPage() first.')
      }
      const next = nextQuery()
      const result = await fetchPage(next)
      return toPage(result.data, next, fetchPage)
    },
    async *[Symbol.asyncIterator]() {
      let current: Page<T> = page
      for (;;) {
        yield* current.data
        if (!current.hasNextPage()) {
          return
        }
        current = await current.nextPage()
      }
    },
  }
  return page
}

/** Starts a list request and returns a `PagePromise` over it and the pages that follow. */
export function pagePromise<T extends { id: string }, Q extends PageQuery>(
  query: Q,
  fetchPage: FetchPage<T, Q>,
): PagePromise<T> {
  const promise = apiPromise(async () => {
    validateParams(query)
    const result = await fetchPage(query)
    return { ...result, data: toPage(result.data, query, fetchPage) }
  })
  return Object.assign(promise, {
    async *[Symbol.asyncIterator]() {
      yield* await promise
    },
  })
}
