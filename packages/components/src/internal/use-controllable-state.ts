'use client'
import { useCallback, useRef, useState } from 'react'

/** Radix-style controlled/uncontrolled state: `value` wins when defined, `onChange` hears every change. */
export function useControllableState<T>(
  value: T | undefined,
  defaultValue: T,
  onChange: ((next: T) => void) | undefined,
): [T, (next: T | ((previous: T) => T)) => void] {
  const [inner, setInner] = useState(defaultValue)
  const controlled = value !== undefined
  const current = controlled ? value : inner
  const currentRef = useRef(current)
  currentRef.current = current
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const set = useCallback(
    (next: T | ((previous: T) => T)) => {
      const resolved = typeof next === 'function' ? (next as (previous: T) => T)(currentRef.current) : next
      currentRef.current = resolved
      if (!controlled) {
        setInner(resolved)
      }
      onChangeRef.current?.(resolved)
    },
    [controlled],
  )
  return [current, set]
}
