'use client'
import { useEffect, useState } from 'react'

/** The current time in unix seconds, re-rendering every second while `active`. */
export function useNow(active: boolean, now: () => number = Date.now): number {
  const [value, setValue] = useState(() => Math.floor(now() / 1000))
  useEffect(() => {
    setValue(Math.floor(now() / 1000))
    if (!active) {
      return
    }
    const timer = setInterval(() => setValue(Math.floor(now() / 1000)), 1000)
    return () => clearInterval(timer)
  }, [active, now])
  return value
}
