'use client'
// Owns useByKey: a value kept for as long as its key is the same (objects rebuilt on every render, which change rarely).
import { useRef } from 'react'

/**
 * The same value as long as `key` is: e.g. a message's annotations and footnote numbers, rebuilt from new objects on
 * every streamed delta (and once more when the message completes), but changing rarely.
 */
export function useByKey<T>(value: T, key: string): T {
  const stable = useRef({ key, value })
  // A render React discards leaves at most an equal value behind, never a stale one.
  if (stable.current.key !== key) {
    stable.current = { key, value }
  }
  return stable.current.value
}
