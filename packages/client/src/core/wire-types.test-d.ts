// Type tests: every object our server emits (its strict types) is one the client accepts (its lenient types).
import type {
  AssistantObject as ServerAssistant,
  ErrorObject as ServerErrorObject,
  ErrorBody as ServerErrorResponse,
  ListPage as ServerListPage,
  MessageObject as ServerMessage,
  MessageDeltaObject as ServerMessageDelta,
  RunObject as ServerRun,
  RunStatus as ServerRunStatus,
  RunStepObject as ServerRunStep,
  RunStepDeltaObject as ServerRunStepDelta,
  RunStreamEventObject as ServerStreamEvent,
  ThreadObject as ServerThread,
  Tool as ServerTool,
} from '@oai-runs/server'
import { describe, expectTypeOf, test } from 'vitest'
import type {
  AnnotationDelta,
  ApprovalToolCall,
  Assistant,
  AssistantTool,
  CodeInterpreterOutput,
  CodeInterpreterToolCall,
  ErrorObject,
  ErrorResponse,
  FileCitationAnnotation,
  FilePathAnnotation,
  FileSearchToolCall,
  FunctionToolCall,
  ImageFileContent,
  ImageUrlContent,
  ListResponse,
  Message,
  MessageContentDelta,
  MessageCreationStepDetails,
  MessageDelta,
  RefusalContent,
  RequiredAction,
  Run,
  RunStatus,
  RunStep,
  RunStepDelta,
  RunStreamEvent,
  RunToolCall,
  SubmitToolApprovalAction,
  SubmitToolOutputsAction,
  TextContent,
  Thread,
  ToolCall,
  ToolCallDelta,
  ToolCallsStepDetails,
  UnknownToolCall,
} from './types.ts'

// The server's variants, picked out of its unions by their discriminant.
type Of<Union, Type extends string> = Extract<Union, { type: Type }>
type ServerStepDetails = ServerRunStep['step_details']
type ServerToolCall = Of<ServerStepDetails, 'tool_calls'>['tool_calls'][number]
type ServerContent = ServerMessage['content'][number]
type ServerAnnotation = Of<ServerContent, 'text'>['text']['annotations'][number]
type ServerAction = NonNullable<ServerRun['required_action']>
type ServerContentDelta = NonNullable<ServerMessageDelta['delta']['content']>[number]
type ServerStepDetailsDelta = NonNullable<ServerRunStepDelta['delta']['step_details']>
type ServerToolCallDelta = NonNullable<Of<ServerStepDetailsDelta, 'tool_calls'>['tool_calls']>[number]
type ServerEvent<Name extends ServerStreamEvent['event']> = ServerStreamEvent extends infer Event
  ? Event extends { event: infer Names }
    ? Name extends Names
      ? Event
      : never
    : never
  : never
type ClientEvent<Name extends RunStreamEvent['event']> = Extract<RunStreamEvent, { event: Name }>

describe('objects', () => {
  test('a run, with every status, tool, required action and error', () => {
    expectTypeOf<ServerRun>().toExtend<Run>()
    expectTypeOf<ServerRunStatus>().toExtend<RunStatus>()
    expectTypeOf<ServerTool>().toExtend<AssistantTool>()
    expectTypeOf<ServerAction>().toExtend<RequiredAction>()
    expectTypeOf<Of<ServerAction, 'submit_tool_outputs'>>().toExtend<SubmitToolOutputsAction>()
    expectTypeOf<Of<ServerAction, 'submit_tool_approval'>>().toExtend<SubmitToolApprovalAction>()
    expectTypeOf<
      Of<ServerAction, 'submit_tool_approval'>['submit_tool_approval']['tool_calls'][number]
    >().toExtend<ApprovalToolCall>()
    expectTypeOf<
      Of<ServerAction, 'submit_tool_outputs'>['submit_tool_outputs']['tool_calls'][number]
    >().toExtend<RunToolCall>()
    expectTypeOf<NonNullable<ServerRun['last_error']>>().toExtend<NonNullable<Run['last_error']>>()
    expectTypeOf<NonNullable<ServerRun['incomplete_details']>>().toExtend<
      NonNullable<Run['incomplete_details']>
    >()
  })

  test('a run step, with each step_details and each tool call', () => {
    expectTypeOf<ServerRunStep>().toExtend<RunStep>()
    expectTypeOf<Of<ServerStepDetails, 'message_creation'>>().toExtend<MessageCreationStepDetails>()
    expectTypeOf<Of<ServerStepDetails, 'tool_calls'>>().toExtend<ToolCallsStepDetails>()
    expectTypeOf<ServerToolCall>().toExtend<ToolCall>()
    expectTypeOf<Of<ServerToolCall, 'function'>>().toExtend<FunctionToolCall>()
    expectTypeOf<Of<ServerToolCall, 'code_interpreter'>>().toExtend<CodeInterpreterToolCall>()
    expectTypeOf<
      Of<ServerToolCall, 'code_interpreter'>['code_interpreter']['outputs'][number]
    >().toExtend<CodeInterpreterOutput>()
    expectTypeOf<Of<ServerToolCall, 'file_search'>>().toExtend<FileSearchToolCall>()
    // Another host's call (`mcp`, `bing_grounding`, …): the server's open shape is the client's.
    expectTypeOf<
      Exclude<ServerToolCall, Of<ServerToolCall, 'function' | 'code_interpreter' | 'file_search'>>
    >().toExtend<UnknownToolCall>()
    expectTypeOf<{ id: string; type: 'mcp'; mcp: { server_label: string } }>().toExtend<ServerToolCall>()
    expectTypeOf<{ id: string; type: 'mcp'; mcp: { server_label: string } }>().toExtend<ToolCall>()
    expectTypeOf<NonNullable<ServerRunStep['last_error']>>().toExtend<NonNullable<RunStep['last_error']>>()
  })

  test('a message, with each content part and annotation', () => {
    expectTypeOf<ServerMessage>().toExtend<Message>()
    expectTypeOf<Of<ServerContent, 'text'>>().toExtend<TextContent>()
    expectTypeOf<Of<ServerContent, 'image_file'>>().toExtend<ImageFileContent>()
    expectTypeOf<Of<ServerContent, 'image_url'>>().toExtend<ImageUrlContent>()
    expectTypeOf<Of<ServerContent, 'refusal'>>().toExtend<RefusalContent>()
    expectTypeOf<Of<ServerAnnotation, 'file_citation'>>().toExtend<FileCitationAnnotation>()
    expectTypeOf<Of<ServerAnnotation, 'file_path'>>().toExtend<FilePathAnnotation>()
    expectTypeOf<NonNullable<ServerMessage['attachments']>>().toExtend<NonNullable<Message['attachments']>>()
  })

  test('a thread and an assistant', () => {
    expectTypeOf<ServerThread>().toExtend<Thread>()
    expectTypeOf<ServerAssistant>().toExtend<Assistant>()
  })

  test('list pages of each object', () => {
    expectTypeOf<ServerListPage<ServerRun>>().toExtend<ListResponse<Run>>()
    expectTypeOf<ServerListPage<ServerRunStep>>().toExtend<ListResponse<RunStep>>()
    expectTypeOf<ServerListPage<ServerMessage>>().toExtend<ListResponse<Message>>()
    expectTypeOf<ServerListPage<ServerAssistant>>().toExtend<ListResponse<Assistant>>()
  })

  test('errors', () => {
    expectTypeOf<ServerErrorObject>().toExtend<ErrorObject>()
    expectTypeOf<ServerErrorResponse>().toExtend<ErrorResponse>()
  })
})

describe('deltas', () => {
  test('a message delta, with each content part and annotation', () => {
    expectTypeOf<ServerMessageDelta>().toExtend<MessageDelta>()
    expectTypeOf<Of<ServerContentDelta, 'text'>>().toExtend<Of<MessageContentDelta, 'text'>>()
    expectTypeOf<Of<ServerContentDelta, 'image_file'>>().toExtend<Of<MessageContentDelta, 'image_file'>>()
    expectTypeOf<Of<ServerContentDelta, 'image_url'>>().toExtend<Of<MessageContentDelta, 'image_url'>>()
    expectTypeOf<Of<ServerContentDelta, 'refusal'>>().toExtend<Of<MessageContentDelta, 'refusal'>>()
    type ServerAnnotationDelta = NonNullable<
      NonNullable<Of<ServerContentDelta, 'text'>['text']>['annotations']
    >[number]
    expectTypeOf<Of<ServerAnnotationDelta, 'file_citation'>>().toExtend<
      Of<AnnotationDelta, 'file_citation'>
    >()
    expectTypeOf<Of<ServerAnnotationDelta, 'file_path'>>().toExtend<Of<AnnotationDelta, 'file_path'>>()
  })

  test('a run step delta, with each step_details and each tool call', () => {
    expectTypeOf<ServerRunStepDelta>().toExtend<RunStepDelta>()
    type ClientStepDetailsDelta = NonNullable<RunStepDelta['delta']['step_details']>
    expectTypeOf<Of<ServerStepDetailsDelta, 'message_creation'>>().toExtend<
      Of<ClientStepDetailsDelta, 'message_creation'>
    >()
    expectTypeOf<Of<ServerStepDetailsDelta, 'tool_calls'>>().toExtend<
      Of<ClientStepDetailsDelta, 'tool_calls'>
    >()
    expectTypeOf<ServerToolCallDelta>().toExtend<ToolCallDelta>()
    // The known variants land on the client's known variants, not only on its open one.
    expectTypeOf<Of<ServerToolCallDelta, 'function'>>().toExtend<Of<ToolCallDelta, 'function'>>()
    expectTypeOf<Of<ServerToolCallDelta, 'code_interpreter'>>().toExtend<
      Of<ToolCallDelta, 'code_interpreter'>
    >()
    expectTypeOf<Of<ServerToolCallDelta, 'file_search'>>().toExtend<Of<ToolCallDelta, 'file_search'>>()
  })
})

describe('stream events', () => {
  test('every event the server sends is a known client event', () => {
    expectTypeOf<ServerStreamEvent>().toExtend<RunStreamEvent>()
    expectTypeOf<ServerStreamEvent['event']>().toEqualTypeOf<RunStreamEvent['event']>()
  })

  test('thread.*, thread.run.*, thread.run.step.*, thread.message.*, deltas, error and done', () => {
    expectTypeOf<ServerEvent<'thread.created'>['data']>().toExtend<ClientEvent<'thread.created'>['data']>()
    expectTypeOf<ServerEvent<'thread.run.created'>['data']>().toExtend<
      ClientEvent<'thread.run.created'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.run.requires_action'>['data']>().toExtend<
      ClientEvent<'thread.run.requires_action'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.run.completed'>['data']>().toExtend<
      ClientEvent<'thread.run.completed'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.run.step.created'>['data']>().toExtend<
      ClientEvent<'thread.run.step.created'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.run.step.completed'>['data']>().toExtend<
      ClientEvent<'thread.run.step.completed'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.run.step.delta'>['data']>().toExtend<
      ClientEvent<'thread.run.step.delta'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.message.created'>['data']>().toExtend<
      ClientEvent<'thread.message.created'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.message.delta'>['data']>().toExtend<
      ClientEvent<'thread.message.delta'>['data']
    >()
    expectTypeOf<ServerEvent<'thread.message.completed'>['data']>().toExtend<
      ClientEvent<'thread.message.completed'>['data']
    >()
    expectTypeOf<ServerEvent<'error'>['data']>().toExtend<ClientEvent<'error'>['data']>()
    expectTypeOf<ServerEvent<'done'>['data']>().toExtend<ClientEvent<'done'>['data']>()
  })
})
