'use client'
// useCacheActivity: RunsDevtools' subscription to the query and mutation caches, the capped log of oai-runs events
// (pausable) and a version that says when to re-read the cache.
import { notifyManager, type QueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { type LogEntry, mutationLogEntry, queryLogEntry } from './cache-model.ts'

/** Subscribes to the query and mutation caches: the capped log of oai-runs events and a version for re-reading. */
export function useCacheActivity(queryClient: QueryClient | null, limit: number) {
  const [log, setLog] = useState<LogEntry[]>([])
  const [version, setVersion] = useState(0)
  const [paused, setPaused] = useState(false)
  const pausedRef = useRef(paused)
  pausedRef.current = paused
  // Log ids stay unique when the subscription is made again (another client or limit): they key the list items.
  const nextIdRef = useRef(0)

  useEffect(() => {
    if (!queryClient) {
      return
    }
    let pending: LogEntry[] = []
    let changed = false
    let scheduled = false
    let active = true
    // Events arrive synchronously, even while another component renders (a query is built in its render):
    // they are recorded at once and handed to React in one update, when react-query notifies its own observers.
    const flush = () => {
      scheduled = false
      if (!active) {
        return
      }
      const entries = pending
      pending = []
      if (entries.length > 0) {
        setLog((previous) => {
          const next = previous.concat(entries)
          return next.length > limit ? next.slice(next.length - limit) : next
        })
      }
      if (changed) {
        changed = false
        setVersion((value) => value + 1)
      }
    }
    const schedule = () => {
      changed = true
      if (!scheduled) {
        scheduled = true
        notifyManager.schedule(flush)
      }
    }
    /** Records the entry (if any; its id is then used up); false when there was none. */
    const record = (entry: LogEntry | null) => {
      if (!entry) {
        return false
      }
      nextIdRef.current++
      if (!pausedRef.current) {
        pending.push(entry)
      }
      schedule()
      return true
    }
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (
        !record(queryLogEntry(event, nextIdRef.current, Date.now())) &&
        (event.type === 'added' || event.type === 'removed')
      ) {
        schedule() // someone else's query: not logged, only counted
      }
    })
    const stopMutations = queryClient
      .getMutationCache()
      .subscribe((event) => record(mutationLogEntry(event, nextIdRef.current, Date.now())))
    return () => {
      active = false
      stopQueries()
      stopMutations()
    }
  }, [queryClient, limit])

  return { log, version, paused, setPaused, clear: useCallback(() => setLog([]), []) }
}

/** What `useCacheActivity` returns. */
export type CacheActivity = ReturnType<typeof useCacheActivity>
