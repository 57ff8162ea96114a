export type { Clock, ManualClock } from './clock.ts'
export { createManualClock, systemClock } from './clock.ts'
export { demoAssistant } from './demo.ts'
export type { FaultInjector, FaultRule, StreamFault } from './faults.ts'
export type { ErrorBody } from './http.ts'
export type { LifecycleTexts } from './lifecycle-errors.ts'
export { defaultLifecycleTexts } from './lifecycle-errors.ts'
export type {
  ModelContext,
  ModelOutput,
  ModelTurn,
  RunModel,
  SubmittedToolApproval,
  SubmittedToolOutput,
} from './model.ts'
export type { ListPage } from './pagination.ts'
export { scriptedModel } from './scripted-model.ts'
export type { RunsServer, RunsServerOptions } from './server.ts'
export { createRunsServer } from './server.ts'
export type { Collection, RunsStore, ScopedCollection } from './store.ts'
export { createMemoryStore } from './store.ts'
export type {
  AssistantObject,
  ErrorObject,
  MessageDeltaObject,
  MessageObject,
  RunObject,
  RunStatus,
  RunStepDeltaObject,
  RunStepObject,
  RunStreamEventObject,
  StreamEvent,
  ThreadObject,
  Tool,
} from './types.ts'
