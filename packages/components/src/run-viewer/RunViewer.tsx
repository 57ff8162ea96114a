'use client'
// RunViewer: the common case in one component: status + cancel, the timeline, the tool-output form while
// the run requires action, and the metadata editor. Presentational; `ConnectedRunViewer` feeds it from hooks.
import type {
  AssistantTool,
  Message,
  Run,
  RunStep as RunStepObject,
  ToolApproval,
  ToolOutput,
} from '@oai-runs/client'
import { requiredApprovals, requiredToolCalls } from '@oai-runs/client'
import { forwardRef, useRef } from 'react'
import { CancelRunButton } from '../cancel-run-button/CancelRunButton.tsx'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'
import { isActiveStatus } from '../internal/status.ts'
import type { MessageContentOptions } from '../message-content/MessageContent.tsx'
import { RunMetadataEditor } from '../run-metadata-editor/RunMetadataEditor.tsx'
import type { StepMessageDisplay } from '../run-step-list/RunStep.tsx'
import { RunStepListLoadMore } from '../run-step-list/RunStepList.tsx'
import { RunTimeline } from '../run-timeline/RunTimeline.tsx'
import type { RunTransition } from '../run-timeline/transitions.ts'
import { ToolApprovalForm } from '../tool-output-form/ToolApprovalForm.tsx'
import { type ToolHandler, ToolOutputForm } from '../tool-output-form/ToolOutputForm.tsx'

/** Props of `RunViewer`. */
export type RunViewerProps = Omit<PrimitiveProps<'div'>, 'children'> & {
  run: Run | null | undefined
  steps?: readonly RunStepObject[] | undefined
  messages?: readonly Message[] | undefined
  /** True while a stream feeds the run. */
  live?: boolean | undefined
  transitions?: readonly RunTransition[] | undefined
  /** Cancels the run; without it no cancel button is shown. */
  onCancel?: (() => unknown) | undefined
  /** Submits every tool output in one request; without it no form is shown. */
  onSubmitToolOutputs?: ((outputs: ToolOutput[]) => unknown) | undefined
  /**
   * Submits every decision of a run waiting on `submit_tool_approval` (Azure AI Agents) in one request; without it
   * no approval form is shown.
   */
  onSubmitToolApprovals?: ((approvals: ToolApproval[]) => unknown) | undefined
  /** Saves metadata; without it no editor is shown. */
  onSaveMetadata?: ((metadata: Record<string, string>) => unknown) | undefined
  /** The assistant's tools, when the run's own list is not enough to check arguments. */
  tools?: readonly AssistantTool[] | undefined
  /** Client-side tool implementations offered by the form's "Run tools" button. */
  handlers?: Readonly<Record<string, ToolHandler>> | undefined
  /** Offered when the run expired while waiting for outputs. */
  onRestart?: (() => void) | undefined
  hasMoreSteps?: boolean | undefined
  isLoadingSteps?: boolean | undefined
  onLoadMoreSteps?: (() => void) | undefined
  now?: (() => number) | undefined
  /** How created messages render (file links, images, link target, headings), passed to the timeline. */
  contentOptions?: MessageContentOptions | undefined
  /** Created messages in full, or as closed previews that open to them (`'preview'`). @defaultValue 'content' */
  messageDisplay?: StepMessageDisplay | undefined
}

/**
 * A whole run in a few lines: status, cancel, timeline, tool-output or tool-approval form (while `requires_action`) and
 * metadata; focus moves to the timeline after a submit so it is never lost when the form goes away.
 * @example
 * <RunViewer run={run} steps={steps} onCancel={cancel} onSubmitToolOutputs={submit} onSaveMetadata={save} />
 */
export const RunViewer = forwardRef<HTMLDivElement, RunViewerProps>(
  (
    {
      run,
      steps,
      messages,
      live,
      transitions,
      onCancel,
      onSubmitToolOutputs,
      onSubmitToolApprovals,
      onSaveMetadata,
      tools,
      handlers,
      onRestart,
      hasMoreSteps,
      isLoadingSteps,
      onLoadMoreSteps,
      now,
      contentOptions,
      messageDisplay,
      ...props
    },
    ref,
  ) => {
    const timelineRef = useRef<HTMLElement>(null)
    const toolCalls = requiredToolCalls(run)
    const approvalCalls = requiredApprovals(run)
    const showForm =
      !!run && !!onSubmitToolOutputs && toolCalls.length > 0 && run.status === 'requires_action'
    const showApprovals =
      !!run && !!onSubmitToolApprovals && approvalCalls.length > 0 && run.status === 'requires_action'
    return (
      <Primitive.div data-oai-run-viewer="" data-state={run?.status ?? 'loading'} {...props} ref={ref}>
        {run &&
        onCancel &&
        (isActiveStatus(run.status) || run.status === 'cancelling' || run.status === 'cancelled') ? (
          <div data-oai-actions="">
            <CancelRunButton status={run.status} onCancel={onCancel} />
          </div>
        ) : null}
        <RunTimeline
          ref={timelineRef}
          tabIndex={-1}
          run={run}
          steps={steps}
          messages={messages}
          live={live}
          transitions={transitions}
          now={now}
          contentOptions={contentOptions}
          messageDisplay={messageDisplay}
        />
        {hasMoreSteps ? (
          <RunStepListLoadMore loading={isLoadingSteps} onClick={() => onLoadMoreSteps?.()} />
        ) : null}
        {showForm ? (
          <ToolOutputForm
            key={toolCalls.map((call) => call.id).join(',')}
            toolCalls={toolCalls}
            tools={tools ?? run.tools}
            expiresAt={run.expires_at}
            runStatus={run.status}
            handlers={handlers}
            onRestart={onRestart}
            now={now}
            onSubmit={onSubmitToolOutputs}
            onSubmitted={() => timelineRef.current?.focus()}
          />
        ) : null}
        {showApprovals ? (
          <ToolApprovalForm
            key={approvalCalls.map((call) => call.id).join(',')}
            toolCalls={approvalCalls}
            runStatus={run.status}
            onSubmit={onSubmitToolApprovals}
            onSubmitted={() => timelineRef.current?.focus()}
          />
        ) : null}
        {run && onSaveMetadata ? (
          <details data-oai-metadata="">
            <summary>Metadata</summary>
            <RunMetadataEditor key={run.id} metadata={run.metadata} onSave={onSaveMetadata} />
          </details>
        ) : null}
      </Primitive.div>
    )
  },
)
RunViewer.displayName = 'RunViewer'
