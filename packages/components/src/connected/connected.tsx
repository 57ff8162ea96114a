'use client'
// Connected variants: the same components fed by the `@oai-runs/client/react` hooks (react-query cache).
// They need a QueryClientProvider and a RunsClientProvider above them; a `useRunStream` anywhere makes them
// live, because the stream writes into the very cache entries these hooks read. Without an app's `getFileName` /
// `getFileUrl`, citations show file names and files link under the client's baseURL (file-options.ts).
import type { Message, RunIds, RunStep as RunStepObject, StepIds, ThreadIds } from '@oai-runs/client'
import {
  useCancelRun,
  useModifyRun,
  useRun,
  useRunStep,
  useRunSteps,
  useRuns,
  useSubmitToolOutputs,
  useThreadMessages,
} from '@oai-runs/client/react'
import { forwardRef, useCallback, useEffect, useMemo, useRef } from 'react'
import { CancelRunButton, type CancelRunButtonProps } from '../cancel-run-button/CancelRunButton.tsx'
import { MessageContent, type MessageContentProps } from '../message-content/MessageContent.tsx'
import { RunList, type RunListProps } from '../run-list/RunList.tsx'
import { RunMetadataEditor, type RunMetadataEditorProps } from '../run-metadata-editor/RunMetadataEditor.tsx'
import { RunStatusBadge, type RunStatusBadgeProps } from '../run-status-badge/RunStatusBadge.tsx'
import { RunStep, type RunStepProps } from '../run-step-list/RunStep.tsx'
import { RunStepList, type RunStepListProps } from '../run-step-list/RunStepList.tsx'
import { RunTimeline, type RunTimelineProps } from '../run-timeline/RunTimeline.tsx'
import { RunViewer, type RunViewerProps } from '../run-viewer/RunViewer.tsx'
import { ToolOutputForm, type ToolOutputFormProps } from '../tool-output-form/ToolOutputForm.tsx'
import { useDefaultFileOptions } from './file-options.ts'

function flatten<T>(data: { pages: Array<{ data: T[] }> } | undefined): T[] {
  return data?.pages.flatMap((page) => page.data) ?? []
}

function isActive(status: string | undefined): boolean {
  return status === 'queued' || status === 'in_progress' || status === 'cancelling'
}

function useRunMessages(ids: RunIds, status: string | undefined): Message[] {
  const query = useThreadMessages({ threadId: ids.threadId })
  useRefetchOnStatusChange(status, query.refetch)
  const all = flatten(query.data)
  return useMemo(() => all.filter((message) => message.run_id === ids.runId), [all, ids.runId])
}

// A polled run (no stream feeding the cache) gets new steps and messages whenever its status changes,
// e.g. requires_action → in_progress → completed after a plain submit; refetch them then.
function useRefetchOnStatusChange(status: string | undefined, refetch: () => unknown): void {
  const previous = useRef(status)
  const latest = useRef(refetch)
  latest.current = refetch
  useEffect(() => {
    if (status && previous.current && status !== previous.current) {
      latest.current()
    }
    previous.current = status
  }, [status])
}

/** A run's ids (`threadId`, `runId`) as props. */
export type ConnectedRunProps = RunIds

/** Props of `ConnectedRunStatusBadge`. */
export type ConnectedRunStatusBadgeProps = Omit<RunStatusBadgeProps, 'status'> & ConnectedRunProps

/** `RunStatusBadge` for a run read (and polled while it works) with `useRun`. */
export const ConnectedRunStatusBadge = forwardRef<HTMLSpanElement, ConnectedRunStatusBadgeProps>(
  ({ threadId, runId, ...props }, ref) => {
    const run = useRun({ threadId, runId })
    return (
      <RunStatusBadge
        status={run.data?.status ?? 'queued'}
        aria-busy={!run.data || undefined}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunStatusBadge.displayName = 'ConnectedRunStatusBadge'

/** Props of `ConnectedRunTimeline`. */
export type ConnectedRunTimelineProps = Omit<RunTimelineProps, 'run' | 'steps' | 'messages'> &
  ConnectedRunProps

/** `RunTimeline` from `useRun`, `useRunSteps` and the run's messages from `useThreadMessages`. */
export const ConnectedRunTimeline = forwardRef<HTMLElement, ConnectedRunTimelineProps>(
  ({ threadId, runId, live, contentOptions, ...props }, ref) => {
    const ids = { threadId, runId }
    const run = useRun(ids)
    const steps = useRunSteps(ids, { order: 'asc' })
    useRefetchOnStatusChange(run.data?.status, steps.refetch)
    const messages = useRunMessages(ids, run.data?.status)
    const fileOptions = useDefaultFileOptions(contentOptions)
    return (
      <RunTimeline
        contentOptions={fileOptions}
        run={run.data}
        steps={flatten<RunStepObject>(steps.data)}
        messages={messages}
        live={live ?? isActive(run.data?.status)}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunTimeline.displayName = 'ConnectedRunTimeline'

/** Props of `ConnectedRunStepList`. */
export type ConnectedRunStepListProps = Omit<
  RunStepListProps,
  'steps' | 'hasMore' | 'isLoading' | 'onLoadMore'
> &
  ConnectedRunProps & { pageSize?: number | undefined }

/** `RunStepList` paging through `useRunSteps` (infinite query). */
export const ConnectedRunStepList = forwardRef<HTMLDivElement, ConnectedRunStepListProps>(
  ({ threadId, runId, pageSize, contentOptions, ...props }, ref) => {
    const ids = { threadId, runId }
    const run = useRun(ids)
    const steps = useRunSteps(ids, { order: 'asc', limit: pageSize })
    useRefetchOnStatusChange(run.data?.status, steps.refetch)
    const messages = useRunMessages(ids, run.data?.status)
    const fileOptions = useDefaultFileOptions(contentOptions)
    return (
      <RunStepList
        contentOptions={fileOptions}
        steps={flatten<RunStepObject>(steps.data)}
        messages={messages}
        hasMore={steps.hasNextPage}
        isLoading={steps.isFetching && (steps.isFetchingNextPage || !steps.data)}
        onLoadMore={() => void steps.fetchNextPage()}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunStepList.displayName = 'ConnectedRunStepList'

/** Props of `ConnectedToolOutputForm`. */
export type ConnectedToolOutputFormProps = Omit<
  ToolOutputFormProps,
  'toolCalls' | 'tools' | 'expiresAt' | 'runStatus' | 'onSubmit'
> &
  ConnectedRunProps

/** `ToolOutputForm` for a run's `required_action`, submitting with `useSubmitToolOutputs` (one request). */
export const ConnectedToolOutputForm = forwardRef<HTMLFormElement, ConnectedToolOutputFormProps>(
  ({ threadId, runId, ...props }, ref) => {
    const run = useRun({ threadId, runId })
    const submit = useSubmitToolOutputs()
    const toolCalls = run.data?.required_action?.submit_tool_outputs?.tool_calls ?? []
    if (!run.data || toolCalls.length === 0) {
      return null
    }
    return (
      <ToolOutputForm
        key={toolCalls.map((call) => call.id).join(',')}
        toolCalls={toolCalls}
        tools={run.data.tools}
        expiresAt={run.data.expires_at}
        runStatus={run.data.status}
        onSubmit={(outputs) => submit.mutateAsync({ threadId, runId, body: { tool_outputs: outputs } })}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedToolOutputForm.displayName = 'ConnectedToolOutputForm'

/** Props of `ConnectedCancelRunButton`. */
export type ConnectedCancelRunButtonProps = Omit<CancelRunButtonProps, 'status' | 'onCancel'> &
  ConnectedRunProps

/** `CancelRunButton` with `useCancelRun` (optimistic `cancelling`, rollback on failure). */
export const ConnectedCancelRunButton = forwardRef<HTMLButtonElement, ConnectedCancelRunButtonProps>(
  ({ threadId, runId, ...props }, ref) => {
    const run = useRun({ threadId, runId })
    const cancel = useCancelRun()
    return (
      <CancelRunButton
        status={run.data?.status}
        onCancel={() => cancel.mutateAsync({ threadId, runId })}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedCancelRunButton.displayName = 'ConnectedCancelRunButton'

/** Props of `ConnectedRunMetadataEditor`. */
export type ConnectedRunMetadataEditorProps = Omit<RunMetadataEditorProps, 'metadata' | 'onSave'> &
  ConnectedRunProps

/** `RunMetadataEditor` saving with `useModifyRun`. */
export const ConnectedRunMetadataEditor = forwardRef<HTMLFormElement, ConnectedRunMetadataEditorProps>(
  ({ threadId, runId, ...props }, ref) => {
    const run = useRun({ threadId, runId })
    const modify = useModifyRun()
    if (!run.data) {
      return null
    }
    return (
      <RunMetadataEditor
        key={run.data.id}
        metadata={run.data.metadata}
        onSave={(metadata) => modify.mutateAsync({ threadId, runId, body: { metadata } })}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunMetadataEditor.displayName = 'ConnectedRunMetadataEditor'

/** Props of `ConnectedRunList`. */
export type ConnectedRunListProps = Omit<RunListProps, 'runs' | 'hasMore' | 'isLoading' | 'onLoadMore'> &
  ThreadIds & { pageSize?: number | undefined }

/** `RunList` of a thread's runs, paging through `useRuns` (infinite query). */
export const ConnectedRunList = forwardRef<HTMLElement, ConnectedRunListProps>(
  ({ threadId, pageSize, ...props }, ref) => {
    const runs = useRuns({ threadId }, { limit: pageSize })
    const list = flatten(runs.data)
    // The list is a snapshot: refresh it while one of its runs is still working.
    const working = list.some((run) => isActive(run.status) || run.status === 'requires_action')
    const refetch = useRef(runs.refetch)
    refetch.current = runs.refetch
    useEffect(() => {
      if (!working) {
        return
      }
      const timer = setInterval(() => void refetch.current(), 1500)
      return () => clearInterval(timer)
    }, [working])
    return (
      <RunList
        runs={list}
        hasMore={runs.hasNextPage}
        isLoading={runs.isFetching && (runs.isFetchingNextPage || !runs.data)}
        onLoadMore={() => void runs.fetchNextPage()}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunList.displayName = 'ConnectedRunList'

/** Props of `ConnectedRunViewer`. */
export type ConnectedRunViewerProps = Omit<
  RunViewerProps,
  'run' | 'steps' | 'messages' | 'onSaveMetadata' | 'hasMoreSteps' | 'isLoadingSteps' | 'onLoadMoreSteps'
> &
  ConnectedRunProps

/**
 * A whole run from the hooks in one line: status, cancel, timeline, tool-output form and metadata. Cancel and the
 * tool-output form use `useCancelRun` / `useSubmitToolOutputs` unless `onCancel` / `onSubmitToolOutputs` are given:
 * pass a `useRunStream`'s `cancel` and `submitToolOutputs` when it streams this run, so the stream goes on. A run
 * waiting on `submit_tool_approval` gets the approval form, submitted the same way (or with `onSubmitToolApprovals`,
 * e.g. a `useRunStream`'s `submitToolApprovals`, which takes the form's `tool_approvals` as they are).
 * @example
 * <ConnectedRunViewer threadId={threadId} runId={runId} />
 * <ConnectedRunViewer {...ids} onCancel={stream.cancel} onSubmitToolOutputs={stream.submitToolOutputs} />
 */
export const ConnectedRunViewer = forwardRef<HTMLDivElement, ConnectedRunViewerProps>(
  (
    { threadId, runId, live, onCancel, onSubmitToolOutputs, onSubmitToolApprovals, contentOptions, ...props },
    ref,
  ) => {
    const ids = { threadId, runId }
    const run = useRun(ids)
    const steps = useRunSteps(ids, { order: 'asc' })
    useRefetchOnStatusChange(run.data?.status, steps.refetch)
    const messages = useRunMessages(ids, run.data?.status)
    const cancel = useCancelRun()
    const submit = useSubmitToolOutputs()
    const modify = useModifyRun()
    const fileOptions = useDefaultFileOptions(contentOptions)
    // The same function from render to render, so the memoised metadata editor skips the stream's frames.
    const saveMetadata = useCallback(
      (metadata: Record<string, string>) => modify.mutateAsync({ threadId, runId, body: { metadata } }),
      [modify.mutateAsync, threadId, runId],
    )
    return (
      <RunViewer
        contentOptions={fileOptions}
        run={run.data}
        steps={flatten<RunStepObject>(steps.data)}
        messages={messages}
        live={live ?? isActive(run.data?.status)}
        hasMoreSteps={steps.hasNextPage}
        isLoadingSteps={steps.isFetchingNextPage}
        onLoadMoreSteps={() => void steps.fetchNextPage()}
        onCancel={onCancel ?? (() => cancel.mutateAsync(ids))}
        onSubmitToolOutputs={
          onSubmitToolOutputs ??
          ((outputs) => submit.mutateAsync({ ...ids, body: { tool_outputs: outputs } }))
        }
        onSubmitToolApprovals={
          onSubmitToolApprovals ??
          ((approvals) => submit.mutateAsync({ ...ids, body: { tool_approvals: approvals } }))
        }
        onSaveMetadata={saveMetadata}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunViewer.displayName = 'ConnectedRunViewer'

/** Props of `ConnectedRunStep`. */
export type ConnectedRunStepProps = Omit<RunStepProps, 'step' | 'message'> &
  StepIds & {
    /** Ask for file search result content (`include[]`). @defaultValue true */
    includeContent?: boolean | undefined
  }

/** One `RunStep` read with `useRunStep` (file search content included), with its created message. */
export const ConnectedRunStep = forwardRef<HTMLLIElement, ConnectedRunStepProps>(
  ({ threadId, runId, stepId, includeContent = true, contentOptions, ...props }, ref) => {
    const step = useRunStep(
      { threadId, runId, stepId },
      includeContent ? { include: ['step_details.tool_calls[*].file_search.results[*].content'] } : undefined,
    )
    const messages = useRunMessages({ threadId, runId }, step.data?.status)
    const fileOptions = useDefaultFileOptions(contentOptions)
    if (!step.data) {
      return null
    }
    const details = step.data.step_details
    const messageId = details?.type === 'message_creation' ? details.message_creation?.message_id : undefined
    return (
      <RunStep
        contentOptions={fileOptions}
        step={step.data}
        message={messageId ? messages.find((message) => message.id === messageId) : undefined}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedRunStep.displayName = 'ConnectedRunStep'

/** Props of `ConnectedMessageContent`. */
export type ConnectedMessageContentProps = Omit<MessageContentProps, 'message' | 'content'> &
  ThreadIds & { messageId: string }

/**
 * `MessageContent` for one message of a thread, read from `useThreadMessages` (live while a stream fills it); cited
 * files show their names and link through `client.files.url` unless `getFileName` / `getFileUrl` are given.
 */
export const ConnectedMessageContent = forwardRef<HTMLDivElement, ConnectedMessageContentProps>(
  ({ threadId, messageId, getFileName, getFileUrl, ...props }, ref) => {
    const messages = useThreadMessages({ threadId })
    const fileOptions = useDefaultFileOptions({ getFileName, getFileUrl })
    const message = flatten(messages.data).find((item) => item.id === messageId)
    if (!message) {
      return null
    }
    return (
      <MessageContent
        message={message}
        getFileName={fileOptions.getFileName}
        getFileUrl={fileOptions.getFileUrl}
        {...props}
        ref={ref}
      />
    )
  },
)
ConnectedMessageContent.displayName = 'ConnectedMessageContent'
