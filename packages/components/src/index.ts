// @oai-runs/components: headless, accessible React parts for Assistants runs (explicit names, no export *).
// Styles are optional: `import '@oai-runs/components/styles.css'`.

// CANCEL RUN BUTTON
export type {
  CancelRunButtonButtonProps,
  CancelRunButtonProps,
  CancelRunButtonState,
  CancelRunButtonStatusProps,
} from './cancel-run-button/index.ts'
export {
  CancelRunButton,
  CancelRunButtonButton,
  CancelRunButtonStatus,
  cancelButtonState,
} from './cancel-run-button/index.ts'
// CONNECTED (hooks of @oai-runs/client/react; need QueryClientProvider + RunsClientProvider)
export type {
  ConnectedCancelRunButtonProps,
  ConnectedMessageContentProps,
  ConnectedRunListProps,
  ConnectedRunMetadataEditorProps,
  ConnectedRunProps,
  ConnectedRunStatusBadgeProps,
  ConnectedRunStepListProps,
  ConnectedRunStepProps,
  ConnectedRunTimelineProps,
  ConnectedRunViewerProps,
  ConnectedToolOutputFormProps,
} from './connected/index.ts'
export {
  ConnectedCancelRunButton,
  ConnectedMessageContent,
  ConnectedRunList,
  ConnectedRunMetadataEditor,
  ConnectedRunStatusBadge,
  ConnectedRunStep,
  ConnectedRunStepList,
  ConnectedRunTimeline,
  ConnectedRunViewer,
  ConnectedToolOutputForm,
  useDefaultFileOptions,
} from './connected/index.ts'
// PRIMITIVES
export type { PrimitiveProps } from './internal/primitive.tsx'
// MESSAGE CONTENT
export type {
  BlockNode,
  ImagePolicy,
  InlineNode,
  MessageContentAnnouncerProps,
  MessageContentFootnotesProps,
  MessageContentImageProps,
  MessageContentOptions,
  MessageContentProps,
  MessageContentRefusalProps,
  MessageContentRootProps,
  MessageContentStatus,
  MessageContentTextProps,
  ParseOptions,
} from './message-content/index.ts'
export {
  imagePolicy,
  MessageContent,
  MessageContentAnnouncer,
  MessageContentFootnotes,
  MessageContentImage,
  MessageContentRefusal,
  MessageContentRoot,
  MessageContentText,
  parseMarkdown,
  safeLinkHref,
} from './message-content/index.ts'
// RUN LIST
export type {
  RunListItemProps,
  RunListListProps,
  RunListLoadMoreProps,
  RunListProps,
  RunListRootProps,
  RunListTriggerProps,
} from './run-list/index.ts'
export {
  RunList,
  RunListItem,
  RunListList,
  RunListLoadMore,
  RunListRoot,
  RunListTrigger,
} from './run-list/index.ts'
// RUN METADATA EDITOR
export type {
  MetadataPair,
  RunMetadataEditorAddProps,
  RunMetadataEditorMessageProps,
  RunMetadataEditorProps,
  RunMetadataEditorRootProps,
  RunMetadataEditorRowProps,
  RunMetadataEditorSaveProps,
} from './run-metadata-editor/index.ts'
export {
  METADATA_LIMITS,
  RunMetadataEditor,
  RunMetadataEditorAdd,
  RunMetadataEditorMessage,
  RunMetadataEditorRoot,
  RunMetadataEditorRow,
  RunMetadataEditorSave,
  validatePairs,
} from './run-metadata-editor/index.ts'
// RUN STATUS BADGE
export type {
  RunStatusBadgeIndicatorProps,
  RunStatusBadgeLabelProps,
  RunStatusBadgeProps,
  RunStatusBadgeRootProps,
} from './run-status-badge/index.ts'
export {
  RunStatusBadge,
  RunStatusBadgeIndicator,
  RunStatusBadgeLabel,
  RunStatusBadgeRoot,
} from './run-status-badge/index.ts'
// RUN STEP LIST / RUN STEP
export type {
  RunStepDetailsProps,
  RunStepErrorProps,
  RunStepListEmptyProps,
  RunStepListListProps,
  RunStepListLoadMoreProps,
  RunStepListProps,
  RunStepListRootProps,
  RunStepMessageProps,
  RunStepProps,
  RunStepRootProps,
  RunStepTimeProps,
  RunStepTitleProps,
  RunStepUsageProps,
  StepMessageDisplay,
} from './run-step-list/index.ts'
export {
  RunStep,
  RunStepDetails,
  RunStepError,
  RunStepList,
  RunStepListEmpty,
  RunStepListList,
  RunStepListLoadMore,
  RunStepListRoot,
  RunStepMessage,
  RunStepRoot,
  RunStepTime,
  RunStepTitle,
  RunStepUsage,
  sortSteps,
  stepTitle,
} from './run-step-list/index.ts'
// RUN TIMELINE
export type {
  RunTimelineAnnouncerProps,
  RunTimelineCountdownProps,
  RunTimelineErrorProps,
  RunTimelineHeaderProps,
  RunTimelineListProps,
  RunTimelineProps,
  RunTimelineRootProps,
  RunTimelineTransitionProps,
  RunTimelineUsageProps,
  RunTransition,
} from './run-timeline/index.ts'
export {
  deriveTransitions,
  RunTimeline,
  RunTimelineAnnouncer,
  RunTimelineCountdown,
  RunTimelineError,
  RunTimelineHeader,
  RunTimelineList,
  RunTimelineRoot,
  RunTimelineTransition,
  RunTimelineUsage,
  useObservedTransitions,
} from './run-timeline/index.ts'
// RUN VIEWER
export type { RunViewerProps } from './run-viewer/index.ts'
export { RunViewer } from './run-viewer/index.ts'
// TOOL CALL VIEW
export type {
  ToolCallState,
  ToolCallViewArgumentsProps,
  ToolCallViewCodeProps,
  ToolCallViewDetailsProps,
  ToolCallViewImageProps,
  ToolCallViewLogsProps,
  ToolCallViewNameProps,
  ToolCallViewOutputProps,
  ToolCallViewProps,
  ToolCallViewRankingProps,
  ToolCallViewResultsProps,
  ToolCallViewRootProps,
  ToolCallViewSectionProps,
} from './tool-call-view/index.ts'
export {
  MAX_DETAILS_LENGTH,
  ToolCallView,
  ToolCallViewArguments,
  ToolCallViewCode,
  ToolCallViewDetails,
  ToolCallViewImage,
  ToolCallViewLogs,
  ToolCallViewName,
  ToolCallViewOutput,
  ToolCallViewRanking,
  ToolCallViewResults,
  ToolCallViewRoot,
  ToolCallViewSection,
  toolCallDetailsText,
  toolCallLabel,
} from './tool-call-view/index.ts'
// TOOL OUTPUT FORM
export type {
  SubmitFailure,
  ToolApprovalFormArgumentsProps,
  ToolApprovalFormChoiceProps,
  ToolApprovalFormFieldProps,
  ToolApprovalFormLegendProps,
  ToolApprovalFormNoticeProps,
  ToolApprovalFormProps,
  ToolApprovalFormRootProps,
  ToolApprovalFormState,
  ToolApprovalFormSubmitProps,
  ToolApprovalValues,
  ToolHandler,
  ToolOutputFieldState,
  ToolOutputFormArgumentsProps,
  ToolOutputFormCopyProps,
  ToolOutputFormCountdownProps,
  ToolOutputFormErrorProps,
  ToolOutputFormFieldProps,
  ToolOutputFormInputProps,
  ToolOutputFormLabelProps,
  ToolOutputFormLegendProps,
  ToolOutputFormModeProps,
  ToolOutputFormNoticeProps,
  ToolOutputFormProps,
  ToolOutputFormRestartProps,
  ToolOutputFormRootProps,
  ToolOutputFormRunToolsProps,
  ToolOutputFormState,
  ToolOutputFormSubmitProps,
  ToolOutputMode,
  ToolOutputNotice,
  ToolOutputValues,
  UseToolOutputFormProps,
  UseToolOutputFormResult,
} from './tool-output-form/index.ts'
export {
  approvalCallName,
  classifySubmitError,
  ToolApprovalForm,
  ToolApprovalFormArguments,
  ToolApprovalFormChoice,
  ToolApprovalFormField,
  ToolApprovalFormLegend,
  ToolApprovalFormNotice,
  ToolApprovalFormRoot,
  ToolApprovalFormSubmit,
  ToolOutputForm,
  ToolOutputFormArguments,
  ToolOutputFormCopy,
  ToolOutputFormCountdown,
  ToolOutputFormError,
  ToolOutputFormField,
  ToolOutputFormInput,
  ToolOutputFormLabel,
  ToolOutputFormLegend,
  ToolOutputFormMode,
  ToolOutputFormNotice,
  ToolOutputFormRestart,
  ToolOutputFormRoot,
  ToolOutputFormRunTools,
  ToolOutputFormSubmit,
  useToolOutputForm,
} from './tool-output-form/index.ts'
