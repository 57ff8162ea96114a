// A Responses API test server, written from OpenAI's OpenAPI spec (CreateResponse and its InputItem, Tool,
// ToolChoiceParam and ResponseTextParam members; the ResponseStreamEvent members; Response; the error shape): a fetch
// handler that validates `POST /responses` the way the hosted API does (the essentials), keeps the responses it made
// for `previous_response_id`, and answers with scripted turns: text deltas with annotations, function calls split
// over N deltas (parallel, interleaved), file_search and code_interpreter calls, incomplete, failed, HTTP errors, cut
// and hung streams; or, with `script: 'commands'`, the scripted model's commands. Paths under /files and
// /vector_stores go to an optional `files` handler. The entry; responses/ holds validation, the event writer, the
// scripts, the store of responses and the handler.
export {
  echoTurn,
  functionCallsTurn,
  httpErrorTurn,
  interruptedTurn,
  textTurn,
  tokens,
} from './responses/scripts.ts'
export { createResponsesTestServer } from './responses/server.ts'
export type {
  ReceivedResponsesRequest,
  ResponsesTestServer,
  ResponsesTestServerOptions,
  ScriptedItem,
  ScriptedResponse,
  ScriptedTurn,
  SearchResult,
} from './responses/types.ts'
