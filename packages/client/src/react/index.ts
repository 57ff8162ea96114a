// @oai-runs/client/react: the client provider and the hooks, thin over the query layer (@oai-runs/client/query),
// whose keys, factories, stream types and errors are re-exported here unchanged.
// Explicit named exports only (no export *); factories carry no directive so servers can prefetch with them.

// THE QUERY LAYER (follow-ups, keys and factories, streaming state, tool calls and errors)
export type {
  CreateRunVariables,
  CreateThreadAndRunVariables,
  IfBusy,
  KeyScope,
  ListData,
  ListPage,
  ModifyRunVariables,
  OptimisticContext,
  QueuedRun,
  QueuedRunDropReason,
  RunFinishReason,
  RunStorage,
  RunStreamConfig,
  RunStreamConnection,
  RunStreamCreateBody,
  RunStreamState,
  RunStreamStatus,
  RunsClient,
  SubmitToolOutputsVariables,
  ToolApprovalDecision,
  ToolApprovalState,
  ToolApprovalsInput,
  ToolCallState,
  ToolCallStatus,
  ToolContext,
  ToolHandler,
  ToolOutputsInput,
  UnsentRun,
} from '../query/index.ts'
export {
  fileKeys,
  fileQueries,
  isHeld,
  QueuedRunDroppedError,
  runKeys,
  runMutationKeys,
  runMutations,
  runQueries,
  StreamBusyError,
  ToolArgumentsError,
  ToolCallsError,
} from '../query/index.ts'
// CLIENT
export type { RunsClientProviderProps } from './RunsClientProvider.tsx'
export { RunsClientProvider, useRunsClient } from './RunsClientProvider.tsx'
// MUTATIONS
export { useCancelRun } from './useCancelRun.ts'
export { useCreateRun } from './useCreateRun.ts'
export { useCreateThreadAndRun } from './useCreateThreadAndRun.ts'
// QUERIES
export { useFile } from './useFile.ts'
export { useModifyRun } from './useModifyRun.ts'
export { useRun } from './useRun.ts'
export { useRunStep } from './useRunStep.ts'
export { useRunSteps } from './useRunSteps.ts'
export type {
  RunStreamCreateOptions,
  UseRunStreamActions,
  UseRunStreamOptions,
  UseRunStreamResult,
} from './useRunStream.ts'
export { useRunStream } from './useRunStream.ts'
export { useRuns } from './useRuns.ts'
export { SubmitInFlightError, useSubmitToolOutputs } from './useSubmitToolOutputs.ts'
export { useThreadMessages } from './useThreadMessages.ts'
