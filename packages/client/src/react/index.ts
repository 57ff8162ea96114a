// @oai-runs/client/react: keys, query and mutation factories, the client provider and the hooks.
// Explicit named exports only (no export *); factories carry no directive so servers can prefetch with them.

// FOLLOW-UPS (useRunStream's `ifBusy`: creates made while a run is active)
export type {
  IfBusy,
  QueuedRun,
  QueuedRunDropReason,
  RunStreamCreateBody,
  UnsentRun,
} from './follow-up-queue.ts'
export { QueuedRunDroppedError } from './follow-up-queue.ts'
// KEYS AND FACTORIES
export { isHeld } from './holds.ts'
export type { KeyScope } from './keys.ts'
export { runKeys, runMutationKeys } from './keys.ts'
export type {
  CreateRunVariables,
  CreateThreadAndRunVariables,
  ModifyRunVariables,
  OptimisticContext,
  SubmitToolOutputsVariables,
} from './mutations.ts'
export { runMutations } from './mutations.ts'
export type { ListData, ListPage } from './queries.ts'
export { runQueries } from './queries.ts'
// CLIENT
export type { RunsClientProviderProps } from './RunsClientProvider.tsx'
export { RunsClientProvider, useRunsClient } from './RunsClientProvider.tsx'
// STREAMING
export type {
  RunFinishReason,
  RunStorage,
  RunStreamConfig,
  RunStreamConnection,
  RunStreamState,
  RunStreamStatus,
} from './run-stream-state.ts'
export { StreamBusyError } from './run-stream-state.ts'
export type { RunsClient } from './runs-client.ts'
export type { ToolApprovalDecision, ToolApprovalState, ToolApprovalsInput } from './tool-approvals.ts'
export type {
  ToolCallState,
  ToolCallStatus,
  ToolContext,
  ToolHandler,
  ToolOutputsInput,
} from './tool-calls.ts'
export { ToolArgumentsError, ToolCallsError } from './tool-calls.ts'
// MUTATIONS
export { useCancelRun } from './useCancelRun.ts'
export { useCreateRun } from './useCreateRun.ts'
export { useCreateThreadAndRun } from './useCreateThreadAndRun.ts'
export { useModifyRun } from './useModifyRun.ts'
// QUERIES
export { useRun } from './useRun.ts'
export { useRunStep } from './useRunStep.ts'
export { useRunSteps } from './useRunSteps.ts'
export type { RunStreamCreateOptions, UseRunStreamOptions } from './useRunStream.ts'
export { useRunStream } from './useRunStream.ts'
export { useRuns } from './useRuns.ts'
export { SubmitInFlightError, useSubmitToolOutputs } from './useSubmitToolOutputs.ts'
export { useThreadMessages } from './useThreadMessages.ts'
