// The spec's metadata limits: at most 16 pairs, keys up to 64 characters, values up to 512.
import type { Metadata } from '@oai-runs/client'

/** One editable key/value row. */
export type MetadataPair = { key: string; value: string }

/** The spec's limits on metadata. */
export const METADATA_LIMITS = { maxPairs: 16, maxKeyLength: 64, maxValueLength: 512 } as const

/** Rows of a metadata object (insertion order). */
export function toPairs(metadata: Metadata | undefined): MetadataPair[] {
  return Object.entries(metadata ?? {}).map(([key, value]) => ({ key, value: String(value) }))
}

/** A metadata object from rows (empty rows dropped). */
export function fromPairs(pairs: readonly MetadataPair[]): Record<string, string> {
  const metadata: Record<string, string> = {}
  for (const pair of pairs) {
    if (pair.key !== '' || pair.value !== '') {
      metadata[pair.key] = pair.value
    }
  }
  return metadata
}

/** Errors per row (`key`/`value`) and for the whole set, by the spec's limits. */
export function validatePairs(pairs: readonly MetadataPair[]): {
  rows: Array<{ key: string | null; value: string | null }>
  form: string | null
} {
  const seen = new Map<string, number>()
  const rows = pairs.map((pair, index) => {
    let key: string | null = null
    let value: string | null = null
    const empty = pair.key === '' && pair.value === ''
    if (!empty && pair.key.trim() === '') {
      key = 'Enter a key.'
    } else if (pair.key.length > METADATA_LIMITS.maxKeyLength) {
      key = `Keys can be at most ${METADATA_LIMITS.maxKeyLength} characters (this one has ${pair.key.length}).`
    } else if (!empty && seen.has(pair.key)) {
      key = `Duplicate of key ${seen.get(pair.key)! + 1}.`
    }
    if (pair.value.length > METADATA_LIMITS.maxValueLength) {
      value = `Values can be at most ${METADATA_LIMITS.maxValueLength} characters (this one has ${pair.value.length}).`
    }
    if (!empty && !seen.has(pair.key)) {
      seen.set(pair.key, index)
    }
    return { key, value }
  })
  const filled = pairs.filter((pair) => pair.key !== '' || pair.value !== '').length
  const form =
    filled > METADATA_LIMITS.maxPairs
      ? `Metadata can have at most ${METADATA_LIMITS.maxPairs} pairs (there are ${filled}).`
      : null
  return { rows, form }
}
