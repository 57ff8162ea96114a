// Owns what "indexing" means locally: a file is text when its bytes are UTF-8 without NUL; its text is split into
// chunks of words (a word stands for a token) by the chunking strategy; a search scores each chunk by term overlap
// (the share of the query's distinct terms found in the chunk, 0 to 1: deterministic, no embeddings) and keeps the
// chunks whose file attributes pass the `filters`.
import { badRequest } from '../http.ts'
import type { FileAttributes, StaticChunkingStrategy } from './types.ts'

/** The spec's `auto` strategy: 800-token chunks overlapping by 400. */
export const autoChunkingStrategy: StaticChunkingStrategy = {
  type: 'static',
  static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The file's text, or undefined when it is not a text file (not UTF-8, or has NUL bytes). */
export function fileText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) {
    return undefined
  }
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** Splits text into chunks of at most `max_chunk_size_tokens` words, each overlapping the last by the overlap. */
export function chunkText(text: string, strategy: StaticChunkingStrategy): string[] {
  const words = [...text.matchAll(/\S+/g)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
  }))
  const size = strategy.static.max_chunk_size_tokens
  const step = Math.max(1, size - strategy.static.chunk_overlap_tokens)
  const chunks: string[] = []
  for (let first = 0; first < words.length; first += step) {
    const last = Math.min(words.length, first + size) - 1
    chunks.push(text.slice(words[first]!.start, words[last]!.end))
    if (last === words.length - 1) {
      break
    }
  }
  return chunks
}

/** The distinct lowercase terms (runs of letters and digits) of a text. */
export function terms(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
}

/** The share of the query's distinct terms the chunk contains, rounded to 4 places (0 when the query has none). */
export function overlapScore(query: Set<string>, chunk: string): number {
  if (query.size === 0) {
    return 0
  }
  const found = terms(chunk)
  let hits = 0
  for (const term of query) {
    if (found.has(term)) {
      hits++
    }
  }
  return Math.round((hits / query.size) * 10_000) / 10_000
}

type Scalar = string | number | boolean
const comparisons = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin']

function compare(type: string, actual: Scalar | undefined, expected: unknown): boolean {
  switch (type) {
    case 'eq':
      return actual === expected
    case 'ne':
      return actual !== expected
    case 'in':
    case 'nin': {
      const found = (expected as Scalar[]).includes(actual as Scalar)
      return type === 'in' ? found : !found
    }
    default: {
      if (actual === undefined || typeof actual !== typeof expected || typeof actual === 'boolean') {
        return false
      }
      const [a, b] = [actual as number | string, expected as number | string]
      return type === 'gt' ? a > b : type === 'gte' ? a >= b : type === 'lt' ? a < b : a <= b
    }
  }
}

/**
 * Whether attributes pass a search's `filters` (the spec's ComparisonFilter or CompoundFilter).
 * @throws HttpError 400 for a filter of another shape.
 */
export function matchesFilter(
  filter: unknown,
  attributes: FileAttributes,
  param = 'filters',
  depth = 0,
): boolean {
  const value = filter as Record<string, unknown> | null
  if (depth > 16 || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`Invalid '${param}': expected a comparison filter or a compound filter object.`, param)
  }
  if (value.type === 'and' || value.type === 'or') {
    if (!Array.isArray(value.filters)) {
      throw badRequest(
        `Missing required parameter: '${param}.filters'.`,
        `${param}.filters`,
        'missing_required_parameter',
      )
    }
    const results = value.filters.map((member, index) =>
      matchesFilter(member, attributes, `${param}.filters[${index}]`, depth + 1),
    )
    return value.type === 'and' ? results.every(Boolean) : results.some(Boolean)
  }
  const type = value.type ?? 'eq'
  if (typeof type !== 'string' || !comparisons.includes(type)) {
    throw badRequest(
      `Invalid value: '${String(type)}'. Supported values are: 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'and', and 'or'.`,
      `${param}.type`,
      'invalid_value',
    )
  }
  if (typeof value.key !== 'string') {
    throw badRequest(
      `Missing required parameter: '${param}.key'.`,
      `${param}.key`,
      'missing_required_parameter',
    )
  }
  const listed = type === 'in' || type === 'nin'
  const expected = value.value
  const scalar = (item: unknown) => ['string', 'number', 'boolean'].includes(typeof item)
  if (listed ? !Array.isArray(expected) || !expected.every(scalar) : !scalar(expected)) {
    throw badRequest(
      `Invalid '${param}.value': expected ${listed ? 'an array of strings or numbers' : 'a string, number or boolean'}.`,
      `${param}.value`,
      'invalid_type',
    )
  }
  return compare(type, attributes?.[value.key], expected)
}
