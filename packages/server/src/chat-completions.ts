// A RunModel for any Chat Completions endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio, …): a run becomes
// one streamed `POST {baseURL}/chat/completions` per turn, and the streamed chunks become ModelOutputs. The public
// entry (`@oai-runs/server/chat-completions`); chat-completions/ holds the request building, the upstream stream,
// the error mapping and the turn loop.
export { createChatCompletionsModel } from './chat-completions/model.ts'
export { buildChatRequest } from './chat-completions/request.ts'
export type {
  ChatCompletionsModelOptions,
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
  CodeInterpreter,
  FileSearch,
  HostedTools,
} from './chat-completions/types.ts'
