'use client'
// RunList: a thread's runs (newest first), each selectable, with "load more" for infinite paging.
import type { Run } from '@oai-runs/client'
import { forwardRef, useEffect, useRef } from 'react'
import { ClockTime } from '../internal/clock-time.tsx'
import { isoTime } from '../internal/format.ts'
import { LoadMoreButton, type LoadMoreProps } from '../internal/load-more.tsx'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { RunStatusBadge } from '../run-status-badge/RunStatusBadge.tsx'

/** Props of `RunList.Root`. */
export type RunListRootProps = PrimitiveProps<'nav'>

/** The labelled container ("Runs"). */
export const RunListRoot = forwardRef<HTMLElement, RunListRootProps>((props, ref) => (
  <Primitive.nav aria-label="Runs" data-oai-run-list="" {...props} ref={ref} />
))
RunListRoot.displayName = 'RunList.Root'

/** Props of `RunList.List`. */
export type RunListListProps = PrimitiveProps<'ul'>

/** The list of runs. */
export const RunListList = forwardRef<HTMLUListElement, RunListListProps>((props, ref) => (
  <Primitive.ul {...props} ref={ref} />
))
RunListList.displayName = 'RunList.List'

/** Props of `RunList.Item`. */
export type RunListItemProps = PrimitiveProps<'li'> & { run: Run }

/** One run's list item; `data-state` is its status. */
export const RunListItem = forwardRef<HTMLLIElement, RunListItemProps>(({ run, ...props }, ref) => (
  <Primitive.li data-oai-run-item="" data-state={run.status} {...props} ref={ref} />
))
RunListItem.displayName = 'RunList.Item'

/** Props of `RunList.Trigger`. */
export type RunListTriggerProps = PrimitiveProps<'button'> & { run: Run; selected?: boolean | undefined }

/** The button that selects a run (`aria-current` when selected): status, id and creation time. */
export const RunListTrigger = forwardRef<HTMLButtonElement, RunListTriggerProps>(
  ({ run, selected, children, ...props }, ref) => (
    <Primitive.button
      type="button"
      data-oai-run-trigger=""
      data-state={selected ? 'selected' : 'idle'}
      aria-current={selected ? 'true' : undefined}
      {...props}
      ref={ref}
    >
      {children ?? (
        <>
          <RunStatusBadge status={run.status} /> <code>{run.id}</code>{' '}
          <time dateTime={isoTime(run.created_at)}>
            <ClockTime seconds={run.created_at} />
          </time>
        </>
      )}
    </Primitive.button>
  ),
)
RunListTrigger.displayName = 'RunList.Trigger'

/** Props of `RunList.LoadMore`. */
export type RunListLoadMoreProps = LoadMoreProps

/** Loads the next page of runs; `aria-disabled` while loading. */
export const RunListLoadMore = forwardRef<HTMLButtonElement, RunListLoadMoreProps>((props, ref) => (
  <LoadMoreButton
    labels={{ idle: 'Load more runs', loading: 'Loading more runs…' }}
    {...props}
    buttonRef={ref}
  />
))
RunListLoadMore.displayName = 'RunList.LoadMore'

/** Props of `RunList`. */
export type RunListProps = Omit<RunListRootProps, 'children' | 'onSelect'> & {
  runs: readonly Run[]
  selectedRunId?: string | null | undefined
  onSelect?: ((run: Run) => void) | undefined
  hasMore?: boolean | undefined
  isLoading?: boolean | undefined
  onLoadMore?: (() => void) | undefined
}

const RunListComposite = forwardRef<HTMLElement, RunListProps>(function RunListComposite(
  { runs, selectedRunId, onSelect, hasMore, isLoading, onLoadMore, ...props },
  ref,
) {
  const listRef = useRef<HTMLUListElement>(null)
  const countBeforeLoad = useRef<number | null>(null)
  // After "load more", focus the first newly loaded run.
  useEffect(() => {
    const before = countBeforeLoad.current
    if (before !== null && runs.length > before && !isLoading) {
      countBeforeLoad.current = null
      listRef.current?.querySelectorAll('button')[before]?.focus()
    }
  }, [runs.length, isLoading])
  return (
    <RunListRoot data-state={isLoading ? 'loading' : runs.length ? 'idle' : 'empty'} {...props} ref={ref}>
      {runs.length === 0 && !isLoading ? <p data-oai-empty="">No runs yet.</p> : null}
      <RunListList ref={listRef}>
        {runs.map((run) => (
          <RunListItem key={run.id} run={run}>
            <RunListTrigger run={run} selected={run.id === selectedRunId} onClick={() => onSelect?.(run)} />
          </RunListItem>
        ))}
      </RunListList>
      {hasMore ? (
        <RunListLoadMore
          loading={isLoading}
          onClick={() => {
            countBeforeLoad.current = runs.length
            onLoadMore?.()
          }}
        />
      ) : null}
    </RunListRoot>
  )
})

/**
 * A thread's runs with their status and time, selectable, with infinite loading.
 * @example
 * <RunList runs={runs} selectedRunId={runId} onSelect={(run) => setRunId(run.id)} hasMore={q.hasNextPage} onLoadMore={q.fetchNextPage} />
 */
export const RunList = Object.assign(RunListComposite, {
  Root: RunListRoot,
  List: RunListList,
  Item: RunListItem,
  Trigger: RunListTrigger,
  LoadMore: RunListLoadMore,
})
