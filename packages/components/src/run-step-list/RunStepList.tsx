'use client'
// RunStepList: a run's steps in order, with "load more" (and optional auto-loading) for long runs.
import type { Message, RunStep as RunStepObject } from '@oai-runs/client'
import { forwardRef, useEffect, useRef } from 'react'
import { LoadMoreButton, type LoadMoreProps } from '../internal/load-more.tsx'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import type { MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunStep, type StepMessageDisplay } from './RunStep.tsx'

/** Steps in creation order (the API lists newest first by default). */
export function sortSteps(steps: readonly RunStepObject[]): RunStepObject[] {
  return steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => (a.step.created_at || 0) - (b.step.created_at || 0) || a.index - b.index)
    .map(({ step }) => step)
}

/** Props of `RunStepList.Root`. */
export type RunStepListRootProps = PrimitiveProps<'div'> & {
  /** `loading` while a page loads, `empty` with no steps. */
  state?: 'idle' | 'loading' | 'empty' | undefined
}

/** The container of the list and its load-more control. */
export const RunStepListRoot = forwardRef<HTMLDivElement, RunStepListRootProps>(
  ({ state = 'idle', ...props }, ref) => (
    <Primitive.div
      data-oai-step-list=""
      data-state={state}
      aria-busy={state === 'loading' || undefined}
      {...props}
      ref={ref}
    />
  ),
)
RunStepListRoot.displayName = 'RunStepList.Root'

/** Props of `RunStepList.List`. */
export type RunStepListListProps = PrimitiveProps<'ol'>

/** The ordered list of steps. */
export const RunStepListList = forwardRef<HTMLOListElement, RunStepListListProps>((props, ref) => (
  <Primitive.ol aria-label="Run steps" {...props} ref={ref} />
))
RunStepListList.displayName = 'RunStepList.List'

/** Props of `RunStepList.LoadMore`. */
export type RunStepListLoadMoreProps = LoadMoreProps

/** The button that loads the next page; `aria-disabled` (still focusable) while loading. */
export const RunStepListLoadMore = forwardRef<HTMLButtonElement, RunStepListLoadMoreProps>((props, ref) => (
  <LoadMoreButton
    labels={{ idle: 'Load more steps', loading: 'Loading more steps…' }}
    {...props}
    buttonRef={ref}
  />
))
RunStepListLoadMore.displayName = 'RunStepList.LoadMore'

/** Props of `RunStepList.Empty`. */
export type RunStepListEmptyProps = PrimitiveProps<'p'>

/** What shows when a run has no steps yet. */
export const RunStepListEmpty = forwardRef<HTMLParagraphElement, RunStepListEmptyProps>(
  ({ children, ...props }, ref) => (
    <Primitive.p data-oai-empty="" {...props} ref={ref}>
      {children ?? 'No steps yet.'}
    </Primitive.p>
  ),
)
RunStepListEmpty.displayName = 'RunStepList.Empty'

/** Props of `RunStepList`. */
export type RunStepListProps = Omit<RunStepListRootProps, 'children' | 'state'> & {
  steps: readonly RunStepObject[]
  /** Messages created by the steps, shown inside message_creation steps. */
  messages?: readonly Message[] | undefined
  /** More steps exist on the server. */
  hasMore?: boolean | undefined
  /** A page is loading. */
  isLoading?: boolean | undefined
  /** Loads the next page. */
  onLoadMore?: (() => void) | undefined
  /** Load the next page when the end of the list scrolls into view. @defaultValue false */
  autoLoad?: boolean | undefined
  /** How created messages render (file links, images, link target, headings), passed to every step. */
  contentOptions?: MessageContentOptions | undefined
  /** Created messages in full, or as closed previews that open to them (`'preview'`). @defaultValue 'content' */
  messageDisplay?: StepMessageDisplay | undefined
}

const RunStepListComposite = forwardRef<HTMLDivElement, RunStepListProps>(function RunStepListComposite(
  { steps, messages, hasMore, isLoading, onLoadMore, autoLoad, contentOptions, messageDisplay, ...props },
  ref,
) {
  const ordered = sortSteps(steps)
  const listRef = useRef<HTMLOListElement>(null)
  const sentinelRef = useRef<HTMLButtonElement>(null)
  const countBeforeLoad = useRef<number | null>(null)
  const byMessageId = new Map((messages ?? []).map((message) => [message.id, message]))

  // After "load more", move focus to the first new step so keyboard users continue where they were.
  useEffect(() => {
    const before = countBeforeLoad.current
    if (before !== null && ordered.length > before && !isLoading) {
      countBeforeLoad.current = null
      const item = listRef.current?.children[before] as HTMLElement | undefined
      item?.focus()
    }
  }, [ordered.length, isLoading])

  useEffect(() => {
    const sentinel = sentinelRef.current
    if (!autoLoad || !hasMore || !sentinel || typeof IntersectionObserver === 'undefined') {
      return
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isLoading) {
        onLoadMore?.()
      }
    })
    observer.observe(sentinel)
    return () => observer.disconnect()
  }, [autoLoad, hasMore, isLoading, onLoadMore])

  const state = isLoading ? 'loading' : ordered.length === 0 ? 'empty' : 'idle'
  return (
    <RunStepListRoot state={state} {...props} ref={ref}>
      {ordered.length === 0 && !isLoading ? <RunStepListEmpty /> : null}
      <RunStepListList ref={listRef}>
        {ordered.map((step) => (
          <RunStep
            key={step.id}
            step={step}
            tabIndex={-1}
            message={
              step.step_details?.type === 'message_creation'
                ? byMessageId.get(step.step_details.message_creation?.message_id)
                : undefined
            }
            contentOptions={contentOptions}
            messageDisplay={messageDisplay}
          />
        ))}
      </RunStepListList>
      {hasMore ? (
        <RunStepListLoadMore
          ref={sentinelRef}
          loading={isLoading}
          onClick={() => {
            countBeforeLoad.current = ordered.length
            onLoadMore?.()
          }}
        />
      ) : null}
    </RunStepListRoot>
  )
})

/**
 * A run's steps in creation order with tool calls and created messages, plus infinite loading.
 * @example
 * <RunStepList steps={steps} hasMore={query.hasNextPage} onLoadMore={query.fetchNextPage} />
 */
export const RunStepList = Object.assign(RunStepListComposite, {
  Root: RunStepListRoot,
  List: RunStepListList,
  LoadMore: RunStepListLoadMore,
  Empty: RunStepListEmpty,
})
