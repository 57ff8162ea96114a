// Wire types of the Assistants Runs API, re-exported from types/ by resource. Hand-written from OpenAI's OpenAPI
// spec (its Runs part is kept in packages/server/spec/runs-api.schema.json). Field names stay snake_case as on the
// wire. Response types are lenient where real servers deviate from the schema (fields they omit are optional);
// request types follow the schema strictly. The runtime helpers over them are in types/helpers.ts.

export type { Assistant } from './types/assistant.ts'
export type { FilePurpose, ListFilesQuery, OpenAIFile } from './types/file.ts'
export type { TerminalRunStatus } from './types/helpers.ts'
export {
  isActiveRunStatus,
  isKnownStreamEvent,
  isKnownToolCall,
  isTerminalRunStatus,
  RUN_STREAM_EVENT_NAMES,
  requiredApprovals,
  requiredToolCalls,
  TERMINAL_RUN_STATUSES,
} from './types/helpers.ts'
export type {
  Annotation,
  AnnotationDelta,
  FileCitationAnnotation,
  FilePathAnnotation,
  ImageDetail,
  ImageFileContent,
  ImageUrlContent,
  Message,
  MessageAttachment,
  MessageContent,
  MessageContentDelta,
  MessageDelta,
  RefusalContent,
  TextContent,
} from './types/message.ts'
export type {
  AssistantTool,
  CodeInterpreterTool,
  FileSearchTool,
  FunctionDefinition,
  FunctionTool,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolResources,
  TruncationStrategy,
} from './types/options.ts'
export type {
  CreateMessageParams,
  CreateRunParams,
  CreateThreadAndRunParams,
  CreateThreadParams,
  ListParams,
  MessageContentInput,
  SubmitToolOutputsParams,
  ToolApproval,
  ToolOutput,
  UpdateRunParams,
} from './types/requests.ts'
export type {
  ApprovalToolCall,
  RequiredAction,
  Run,
  RunStatus,
  RunToolCall,
  SubmitToolApprovalAction,
  SubmitToolOutputsAction,
  UnknownRequiredAction,
} from './types/run.ts'
export type { ErrorObject, ErrorResponse, ListResponse, Metadata, Usage } from './types/shared.ts'
export type {
  CodeInterpreterOutput,
  CodeInterpreterOutputDelta,
  CodeInterpreterToolCall,
  FileSearchResult,
  FileSearchToolCall,
  FunctionToolCall,
  KnownToolCall,
  MessageCreationStepDetails,
  RunStep,
  RunStepDelta,
  RunStepInclude,
  RunStepStatus,
  ToolCall,
  ToolCallDelta,
  ToolCallsStepDetails,
  UnknownToolCall,
} from './types/step.ts'
export type {
  MessageEventName,
  RunEventName,
  RunStepEventName,
  RunStreamEvent,
  RunStreamEventName,
  UnknownStreamEvent,
} from './types/stream-events.ts'
export type { Thread } from './types/thread.ts'
