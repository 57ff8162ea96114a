// Test servers for the model adapters (`@oai-runs/server/testing`): a Chat Completions and a Responses endpoint as
// fetch handlers, written from OpenAI's spec, scripted by the test and recording every request, so an adapter (or an
// app that uses one) is tested without the network.
export {
  type ChatCompletionsTestServer,
  type ChatCompletionsTestServerOptions,
  type ChunkBody,
  commandReply,
  createChatCompletionsTestServer,
  cutReply,
  errorReply,
  hangReply,
  type ReceivedRequest,
  type ScriptedReply,
  streamErrorReply,
  textReply,
  toolCallsReply,
} from './testing/chat-completions-server.ts'
export {
  createResponsesTestServer,
  echoTurn,
  functionCallsTurn,
  httpErrorTurn,
  interruptedTurn,
  type ReceivedResponsesRequest,
  type ResponsesTestServer,
  type ResponsesTestServerOptions,
  type ScriptedItem,
  type ScriptedResponse,
  type ScriptedTurn,
  type SearchResult,
  textTurn,
} from './testing/responses-server.ts'
