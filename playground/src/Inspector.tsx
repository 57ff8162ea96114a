// The right column: the thread's runs, and the chosen run in a RunViewer (timeline, steps, tool-output form,
// cancel, metadata). The run the page streams is cancelled and continued through `useRunStream`, so its
// continuation streams too; other runs go through the plain mutations.
import { type AssistantTool, isTerminalRunStatus, type Run, type ToolOutput } from '@oai-runs/client'
import {
  useCancelRun,
  useModifyRun,
  useRun,
  useRunSteps,
  useSubmitToolOutputs,
  useThreadMessages,
} from '@oai-runs/client/react'
import { type MessageContentOptions, RunList, RunViewer, useDefaultFileOptions } from '@oai-runs/components'
import { memo, useCallback, useEffect, useMemo, useRef } from 'react'
import { ErrorNotice } from './notices'
import { MESSAGE_QUERY, STEP_QUERY, type Stream } from './shared'
import { toolHandlers } from './tools'

// Model links open in a new tab, as in the chat; made once, so the viewer gets the same object every render
// (useDefaultFileOptions adds file names and links, keeping its identity until a name arrives).
const contentOptions: MessageContentOptions = { linkTarget: '_blank' }

function RunPanel({
  threadId,
  runId,
  stream,
  submitStreamOutputs,
  tools,
  onRestart,
}: {
  threadId: string
  runId: string
  stream: Stream
  submitStreamOutputs: (outputs: ToolOutput[]) => Promise<void>
  tools: readonly AssistantTool[]
  onRestart: () => void
}) {
  const ids = { threadId, runId }
  const fileOptions = useDefaultFileOptions(contentOptions) // cited files by name, file links through the proxy
  const run = useRun(ids)
  const steps = useRunSteps(ids, STEP_QUERY)
  const messages = useThreadMessages({ threadId }, MESSAGE_QUERY)
  const cancel = useCancelRun()
  const submit = useSubmitToolOutputs()
  const modify = useModifyRun()
  // Stable, so the memoised metadata editor skips the frames of a streaming run.
  const saveMetadata = useCallback(
    (metadata: Record<string, string>) => modify.mutateAsync({ threadId, runId, body: { metadata } }),
    [modify.mutateAsync, threadId, runId],
  )
  const runMessages = useMemo(
    () =>
      messages.data?.pages.flatMap((page) => page.data).filter((message) => message.run_id === runId) ?? [],
    [messages.data, runId],
  )
  const stepList = useMemo(() => steps.data?.pages.flatMap((page) => page.data), [steps.data])
  const isStreamRun = stream.threadId === threadId && stream.runId === runId
  const live = isStreamRun && stream.connection !== 'none'

  // Workaround: a first step-list fetch still in flight when the stream writes its last step events (or ends)
  // answers with older steps, and react-query dedupes the final invalidation onto it; a fast run can then keep a
  // step "in progress" or a tool-call step without its calls. So refetch once whenever the run comes to rest.
  const status = run.data?.status
  const resting = !!status && (status === 'requires_action' || isTerminalRunStatus(status))
  const refreshedFor = useRef<string | null>(null)
  useEffect(() => {
    if (resting && !live && !steps.isFetching && refreshedFor.current !== status) {
      refreshedFor.current = status ?? null
      void steps.refetch()
    }
  }, [resting, live, status, steps.isFetching, steps.refetch])

  const submitOutputs = async (outputs: ToolOutput[]) => {
    if (isStreamRun && stream.status === 'requires_action') {
      await submitStreamOutputs(outputs) // the continuation streams into the same views
      return
    }
    await submit.mutateAsync({ ...ids, body: { tool_outputs: outputs } })
  }

  if (run.isError) {
    return <ErrorNotice error={run.error} />
  }
  return (
    <RunViewer
      className="pg-run-viewer"
      run={run.data}
      steps={stepList}
      messages={runMessages}
      live={live}
      tools={tools}
      handlers={toolHandlers}
      hasMoreSteps={steps.hasNextPage}
      isLoadingSteps={steps.isFetchingNextPage}
      onLoadMoreSteps={() => void steps.fetchNextPage()}
      onCancel={() => (isStreamRun ? stream.cancel() : cancel.mutateAsync(ids))}
      onSubmitToolOutputs={submitOutputs}
      onSaveMetadata={saveMetadata}
      onRestart={onRestart}
      contentOptions={fileOptions}
      // The chat shows the reply: here it is a closed first line (opened on demand), so a streaming reply is not
      // laid out and painted twice.
      messageDisplay="preview"
    />
  )
}

/** The thread's runs; memoised, so a streaming reply (which changes no run list entry) does not render it. */
const RunsSection = memo(function RunsSection({
  runs,
  runsError,
  hasMoreRuns,
  loadingRuns,
  onLoadMoreRuns,
  runId,
  onSelectRun,
}: {
  runs: readonly Run[]
  runsError: Error | null
  hasMoreRuns: boolean
  loadingRuns: boolean
  onLoadMoreRuns: () => void
  runId: string | null
  onSelectRun: (runId: string) => void
}) {
  const select = useCallback((run: Run) => onSelectRun(run.id), [onSelectRun])
  return (
    <section className="pg-panel pg-runs-section" aria-labelledby="pg-runs-heading">
      <h2 id="pg-runs-heading">
        Runs of this thread <span className="pg-count">{runs.length}</span>
      </h2>
      {runsError ? (
        <ErrorNotice error={runsError} />
      ) : (
        <RunList
          runs={runs}
          selectedRunId={runId}
          onSelect={select}
          hasMore={hasMoreRuns}
          isLoading={loadingRuns}
          onLoadMore={onLoadMoreRuns}
        />
      )}
    </section>
  )
})

export function Inspector({
  threadId,
  runs,
  runsError,
  hasMoreRuns,
  loadingRuns,
  onLoadMoreRuns,
  runId,
  onSelectRun,
  stream,
  submitStreamOutputs,
  tools,
  onRestart,
}: {
  threadId: string | null
  runs: readonly Run[]
  runsError: Error | null
  hasMoreRuns: boolean
  loadingRuns: boolean
  onLoadMoreRuns: () => void
  runId: string | null
  onSelectRun: (runId: string) => void
  stream: Stream
  submitStreamOutputs: (outputs: ToolOutput[]) => Promise<void>
  tools: readonly AssistantTool[]
  onRestart: () => void
}) {
  return (
    <>
      <section className="pg-panel pg-run-section" aria-labelledby="pg-run-heading">
        <h2 id="pg-run-heading">Run</h2>
        {threadId && runId ? (
          <RunPanel
            key={runId}
            threadId={threadId}
            runId={runId}
            stream={stream}
            submitStreamOutputs={submitStreamOutputs}
            tools={tools}
            onRestart={onRestart}
          />
        ) : (
          <p className="pg-muted">
            Send a message: its run appears here, with every status change, step, tool call and its usage.
          </p>
        )}
      </section>
      {threadId ? (
        <RunsSection
          runs={runs}
          runsError={runsError}
          hasMoreRuns={hasMoreRuns}
          loadingRuns={loadingRuns}
          onLoadMoreRuns={onLoadMoreRuns}
          runId={runId}
          onSelectRun={onSelectRun}
        />
      ) : null}
    </>
  )
}
