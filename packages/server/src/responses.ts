// A RunModel for OpenAI's Responses API (`POST {baseURL}/responses`, streamed), where today's models and the hosted
// file_search and code_interpreter tools live: a run becomes one streamed response per turn, and its events become
// run steps and messages. The public entry (`@oai-runs/server/responses`); responses/ holds the request mapping,
// the stream reading, the error mapping and the turn loop.
export { createResponsesModel } from './responses/model.ts'
export { buildResponsesRequest, fullInput, toolOutputInput } from './responses/request.ts'
export type {
  ResponsesContentPart,
  ResponsesInputItem,
  ResponsesModelOptions,
  ResponsesTool,
} from './responses/types.ts'
