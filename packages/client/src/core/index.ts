// @oai-runs/client: the public surface of the framework-free core. Explicit named exports only (no export *).

// CLIENT
export type { AssistantIds, AssistantsResource } from './assistants.ts'
export type { Client, ClientOptions } from './client.ts'
export { createClient } from './client.ts'
// ERRORS
export type { ApiErrorObject, ToolCallErrorReason } from './errors.ts'
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
} from './errors.ts'
export type { FileIds, FilesResource } from './files.ts'
export type { ListMessagesQuery, MessageIds, MessagesResource } from './messages.ts'
export type { ApiPromise, Page, PagePromise, PageQuery } from './pagination.ts'
export type { PollOptions, RunPolling } from './polling.ts'
export { pollDelayMs } from './polling.ts'
// STREAMING (stream engineer's modules)
export type {
  EntityCollection,
  ReduceOptions,
  RunSnapshot,
  RunSnapshotStatus,
  RunSnapshotWarning,
  RunSnapshotWarningCode,
} from './run-snapshot.ts'
export { emptyRunSnapshot, listEntities, reduceRunEvent } from './run-snapshot.ts'
export type { AnyRunStreamEvent, RunStream, RunStreamOptions, StreamCallOptions } from './run-stream.ts'
export { createRunStream } from './run-stream.ts'
export type { RunStreamHandlers } from './run-stream-handlers.ts'
export type { StreamWithToolsOptions, ToolHandlerFunction, ToolRunStream } from './run-tools.ts'
export type { NonStreaming, RunIds, RunsResource, Streaming, ThreadIds } from './runs.ts'
export type { SseMessage, SseOptions } from './sse.ts'
export { iterateSse } from './sse.ts'
export type { ListStepsQuery, RetrieveStepQuery, StepIds, StepsResource } from './steps.ts'
export type { ThreadsResource } from './threads.ts'
export { toolApproval, toolOutput } from './tool-output.ts'
export type { ApiResult, CallOptions, HeaderRequest, HeadersInput } from './transport.ts'

// WIRE TYPES
export type {
  Annotation,
  AnnotationDelta,
  ApprovalToolCall,
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
  FilePurpose,
  FileSearchResult,
  FileSearchTool,
  FileSearchToolCall,
  FunctionDefinition,
  FunctionTool,
  FunctionToolCall,
  ImageDetail,
  ImageFileContent,
  ImageUrlContent,
  KnownToolCall,
  ListFilesQuery,
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
  OpenAIFile,
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
  SubmitToolApprovalAction,
  SubmitToolOutputsAction,
  SubmitToolOutputsParams,
  TerminalRunStatus,
  TextContent,
  Thread,
  ToolApproval,
  ToolCall,
  ToolCallDelta,
  ToolCallsStepDetails,
  ToolChoice,
  ToolOutput,
  ToolResources,
  TruncationStrategy,
  UnknownRequiredAction,
  UnknownStreamEvent,
  UnknownToolCall,
  UpdateRunParams,
  Usage,
} from './types.ts'
export {
  isActiveRunStatus,
  isKnownStreamEvent,
  isKnownToolCall,
  isTerminalRunStatus,
  RUN_STREAM_EVENT_NAMES,
  requiredApprovals,
  requiredToolCalls,
  TERMINAL_RUN_STATUSES,
} from './types.ts'
