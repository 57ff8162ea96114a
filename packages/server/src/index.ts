export type { Clock, ManualClock } from './clock.ts'
export { createManualClock, systemClock } from './clock.ts'
export { demoAssistant } from './demo.ts'
export type { FaultInjector, FaultRule, StreamFault } from './faults.ts'
export type {
  FileAttributes,
  FileCounts,
  FileDeletedObject,
  FileObject,
  FilePurpose,
  FilesHandler,
  FilesHandlerOptions,
  RunFileSearch,
  StaticChunkingStrategy,
  UpstreamFilesOptions,
  VectorStoreDeletedObject,
  VectorStoreExpiration,
  VectorStoreFileBatchObject,
  VectorStoreFileDeletedObject,
  VectorStoreFileObject,
  VectorStoreFileRecord,
  VectorStoreObject,
  VectorStoreSearchResult,
  VectorStoreSearchResultsPage,
} from './files/index.ts'
export {
  createFilesHandler,
  createRunFileSearch,
  createUpstreamFiles,
  defaultMaxFileBytes,
  uploadPurposes,
} from './files/index.ts'
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
export type { ScriptedModelOptions } from './scripted-model.ts'
export { createScriptedModel, scriptedModel } from './scripted-model.ts'
export type { RunsServer, RunsServerOptions } from './server.ts'
export { createRunsServer } from './server.ts'
export type { BlobCollection, Collection, FilesStore, RunsStore, ScopedCollection } from './store.ts'
export { createMemoryFilesStore, createMemoryStore } from './store.ts'
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
