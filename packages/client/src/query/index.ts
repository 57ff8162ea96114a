// @oai-runs/client/query: the framework-free query layer on @tanstack/query-core (keys, query and mutation
// factories, cache holds and the run stream controller); what a React, Vue, Solid or Svelte adapter builds on.
// Explicit named exports only (no export *). No hooks and no directive here: servers prefetch with the factories.

// FOLLOW-UPS (the stream controller's `ifBusy`: creates made while a run is active)
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
export { fileKeys, runKeys, runMutationKeys } from './keys.ts'
export type {
  CreateRunVariables,
  CreateThreadAndRunVariables,
  ModifyRunVariables,
  OptimisticContext,
  RunMutationOptions,
  SubmitToolOutputsVariables,
} from './mutations.ts'
export { runMutations } from './mutations.ts'
export type { ListData, ListPage, RunListQueryOptions, RunQueryOptions } from './queries.ts'
export { fileQueries, runQueries } from './queries.ts'
// STREAMING
export type {
  RunStreamController,
  RunStreamControllerOptions,
  RunStreamResume,
} from './run-stream-controller.ts'
export { createRunStreamController } from './run-stream-controller.ts'
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
