// @oai-runs/client: the public surface of the framework-free core. Explicit names only (house style §9).

// CLIENT
export type { AssistantIds, AssistantsResource } from './assistants'
export type { Client, ClientOptions } from './client'
export { createClient } from './client'
// ERRORS
export type { ApiErrorObject, ToolCallErrorReason } from './errors'
export {
  ActiveRunError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  CannotCancelRunError,
  ConflictError,
  ConnectionError,
  ConnectionTimeoutError,
  InternalServerError,
  NotFoundError,
  OaiRunsError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  RunExpiredError,
  RunNotAwaitingOutputsError,
  RunStreamTruncatedError,
  StreamBufferLimitError,
  StreamError,
  StreamIdleTimeoutError,
  StreamParseError,
  StreamTruncatedError,
  ToolCallError,
  ToolOutputsMismatchError,
  UnexpectedContentTypeError,
  UnprocessableEntityError,
  UserAbortError,
  ValidationError,
} from './errors'
export type { ListMessagesQuery, MessageIds, MessagesResource } from './messages'
export type { ApiPromise, Page, PagePromise, PageQuery } from './pagination'
export type { PollOptions, RunPolling } from './polling'
export { pollDelayMs } from './polling'
// STREAMING (stream engineer's modules)
export type {
  EntityCollection,
  ReduceOptions,
  RunSnapshot,
  RunSnapshotStatus,
  RunSnapshotWarning,
  RunSnapshotWarningCode,
} from './run-snapshot'
export { emptyRunSnapshot, listEntities, reduceRunEvent } from './run-snapshot'
export type { AnyRunStreamEvent, RunStream, RunStreamOptions } from './run-stream'
export { createRunStream } from './run-stream'
export type { RunStreamHandlers } from './run-stream-handlers'
export type { StreamWithToolsOptions, ToolHandlerFunction, ToolRunStream } from './run-tools'
export type { NonStreaming, RunIds, RunsResource, Streaming, ThreadIds } from './runs'
export type { SseMessage, SseOptions } from './sse'
export { iterateSse } from './sse'
export type { ListStepsQuery, RetrieveStepQuery, StepIds, StepsResource } from './steps'
export type { ThreadsResource } from './threads'
export { toolOutput } from './tool-output'
export type { ApiResult, CallOptions, HeaderRequest, HeadersInput, StreamCallOptions } from './transport'

// WIRE TYPES
export type {
  Annotation,
  AnnotationDelta,
  Assistant,
  AssistantTool,
  CodeInterpreterOutput,
  CodeInterpreterOutputDelta,
  CodeInterpreterTool,
  CodeInterpreterToolCall,
  CreateMessageParams,
  CreateRunParams,
  CreateThreadAndRunParams,
  CreateThreadParams,
  ErrorObject,
  ErrorResponse,
  FileCitationAnnotation,
  FilePathAnnotation,
  FileSearchResult,
  FileSearchTool,
  FileSearchToolCall,
  FunctionDefinition,
  FunctionTool,
  FunctionToolCall,
  ImageDetail,
  ImageFileContent,
  ImageUrlContent,
  ListParams,
  ListResponse,
  Message,
  MessageAttachment,
  MessageContent,
  MessageContentDelta,
  MessageContentInput,
  MessageCreationStepDetails,
  MessageDelta,
  MessageEventName,
  Metadata,
  ReasoningEffort,
  RefusalContent,
  RequiredAction,
  ResponseFormat,
  Run,
  RunEventName,
  RunStatus,
  RunStep,
  RunStepDelta,
  RunStepEventName,
  RunStepInclude,
  RunStepStatus,
  RunStreamEvent,
  RunStreamEventName,
  RunToolCall,
  SubmitToolOutputsParams,
  TerminalRunStatus,
  TextContent,
  Thread,
  ToolCall,
  ToolCallDelta,
  ToolCallsStepDetails,
  ToolChoice,
  ToolOutput,
  ToolResources,
  TruncationStrategy,
  UnknownStreamEvent,
  UpdateRunParams,
  Usage,
} from './types'
export {
  isActiveRunStatus,
  isKnownStreamEvent,
  isTerminalRunStatus,
  RUN_STREAM_EVENT_NAMES,
  TERMINAL_RUN_STATUSES,
} from './types'
