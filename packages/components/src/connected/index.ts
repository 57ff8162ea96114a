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
} from './connected.tsx'
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
} from './connected.tsx'
export { useDefaultFileOptions } from './file-options.ts'
