import { badRequest } from './http.ts'

/** A list page as the spec's List*Response objects state it. */
export interface ListPage<T> {
  object: 'list'
  data: T[]
  first_id: string | null
  last_id: string | null
  has_more: boolean
}

/** A list request, as the API's list endpoints take it (`readListQuery`). */
export interface ListQuery {
  limit: number
  order: 'asc' | 'desc'
  after?: string | undefined
  before?: string | undefined
}

/** Reads `limit`, `order`, `after` and `before` from a query string, with the spec's defaults and ranges. */
export function readListQuery(url: URL): ListQuery {
  const rawLimit = url.searchParams.get('limit')
  let limit = 20
  if (rawLimit !== null) {
    limit = Number(rawLimit)
    if (!Number.isInteger(limit)) {
      throw badRequest(
        `Invalid type for 'limit': expected an integer, but got a string instead.`,
        'limit',
        'invalid_type',
      )
    }
    if (limit < 1 || limit > 100) {
      throw badRequest(
        `Invalid 'limit': integer ${limit < 1 ? 'below minimum' : 'above maximum'} value. Expected a value ${limit < 1 ? '>= 1' : '<= 100'}, but got ${limit} instead.`,
        'limit',
        limit < 1 ? 'integer_below_min_value' : 'integer_above_max_value',
      )
    }
  }
  const order = url.searchParams.get('order') ?? 'desc'
  if (order !== 'asc' && order !== 'desc') {
    throw badRequest(
      `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
      'order',
      'invalid_value',
    )
  }
  return {
    limit,
    order: order as 'asc' | 'desc',
    after: url.searchParams.get('after') ?? undefined,
    before: url.searchParams.get('before') ?? undefined,
  }
}

/**
 * Cuts one page out of `items` (oldest first). `after` starts after that id in list order; `before` returns the
 * `limit` items right before that id, in list order. An unknown cursor yields an empty page, as a cursor that
 * points at a deleted object should.
 */
export function paginate<T extends { id: string }>(items: T[], query: ListQuery): ListPage<T> {
  const ordered = query.order === 'asc' ? items : [...items].reverse()
  let start = 0
  let end = ordered.length
  if (query.after !== undefined) {
    const index = ordered.findIndex((item) => item.id === query.after)
    start = index === -1 ? ordered.length : index + 1
  }
  if (query.before !== undefined) {
    const index = ordered.findIndex((item) => item.id === query.before)
    end = index === -1 ? start : Math.max(start, index)
  }
  let data: T[]
  let hasMore: boolean
  if (query.before !== undefined && query.after === undefined) {
    const from = Math.max(start, end - query.limit)
    data = ordered.slice(from, end)
    hasMore = from > start
  } else {
    data = ordered.slice(start, Math.min(end, start + query.limit))
    hasMore = start + query.limit < end
  }
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  }
}
