// @oai-runs/client/react: keys, query and mutation factories, the client provider and the hooks.
// Explicit names only (house style §9); factories carry no directive so servers can prefetch with them.

// FOLLOW-UPS (useRunStream's `ifBusy`: creates made while a run is active)
export type {
  IfBusy,
  QueuedRun,
  QueuedRunDropReason,
  RunStreamCreateBody,
  UnsentRun,
} from './follow-up-queue'
export { QueuedRunDroppedError } from './follow-up-queue'
// KEYS AND FACTORIES
export { isHeld } from './holds'
export type { KeyScope } from './keys'
export { runKeys, runMutationKeys } from './keys'
export type {
  CreateRunVariables,
  CreateThreadAndRunVariables,
  ModifyRunVariables,
  OptimisticContext,
  SubmitToolOutputsVariables,
} from './mutations'
export { runMutations } from './mutations'
export type { ListData, ListPage } from './queries'
export { runQueries } from './queries'
// CLIENT
export type { RunsClientProviderProps } from './RunsClientProvider'
export { RunsClientProvider, useRunsClient } from './RunsClientProvider'
// STREAMING
export type {
  RunFinishReason,
  RunStorage,
  RunStreamConfig,
  RunStreamConnection,
  RunStreamState,
  RunStreamStatus,
} from './run-stream-state'
export { StreamBusyError } from './run-stream-state'
export type { RunsClient } from './runs-client'
export type {
  ToolCallState,
  ToolCallStatus,
  ToolContext,
  ToolHandler,
  ToolOutputsInput,
} from './tool-calls'
export { ToolArgumentsError, ToolCallsError } from './tool-calls'
// MUTATIONS
export { useCancelRun } from './useCancelRun'
export { useCreateRun } from './useCreateRun'
export { useCreateThreadAndRun } from './useCreateThreadAndRun'
export { useModifyRun } from './useModifyRun'
// QUERIES
export { useRun } from './useRun'
export { useRunStep } from './useRunStep'
export { useRunSteps } from './useRunSteps'
export type { RunStreamCreateOptions, UseRunStreamOptions } from './useRunStream'
export { useRunStream } from './useRunStream'
export { useRuns } from './useRuns'
export { SubmitInFlightError, useSubmitToolOutputs } from './useSubmitToolOutputs'
export { useThreadMessages } from './useThreadMessages'
