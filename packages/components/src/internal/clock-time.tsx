'use client'
// Clock times that hydrate: the server and the hydrating render show UTC (the same text on both sides, whatever
// the browser's time zone and locale), and the browser switches to its local time right after hydration.
import { memo, useSyncExternalStore } from 'react'
import { clockTime, utcClockTime } from './format.ts'

const subscribe = () => () => {}

/** False on the server and while hydrating, true afterwards (and at once in a client-only render). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  )
}

/**
 * `unix seconds` as a short local time, or as UTC until hydration is over (put it inside a `<time>`). Memoised: a
 * streaming timeline renders on every frame, its clock times only when they change.
 */
export const ClockTime = memo(function ClockTime({ seconds }: { seconds: number }) {
  return <>{useHydrated() ? clockTime(seconds) : utcClockTime(seconds)}</>
})
