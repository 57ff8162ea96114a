// Wire types of tools and model options, as declared on assistants, runs and requests.

/** A function definition as declared on an assistant or run. */
export type FunctionDefinition = {
  name: string
  description?: string
  parameters?: Record<string, unknown>
  strict?: boolean | null
}

/** The code interpreter tool. */
export type CodeInterpreterTool = { type: 'code_interpreter' }

/** The file search tool with its optional ranking settings. */
export type FileSearchTool = {
  type: 'file_search'
  file_search?: {
    max_num_results?: number
    ranking_options?: { ranker?: 'auto' | 'default_2024_08_21'; score_threshold: number }
  }
}

/** A function tool. */
export type FunctionTool = { type: 'function'; function: FunctionDefinition }

/** Any tool an assistant or run can use. */
export type AssistantTool = CodeInterpreterTool | FileSearchTool | FunctionTool

/** How the thread is truncated before a run. */
export type TruncationStrategy = { type: 'auto' | 'last_messages'; last_messages?: number | null }

/** Which tool (if any) the model must call. */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function' | 'code_interpreter' | 'file_search'; function?: { name: string } }

/** The output format the model must produce. */
export type ResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: {
        name: string
        description?: string
        schema?: Record<string, unknown>
        strict?: boolean | null
      }
    }

/** Files made available to tools of a thread or assistant. */
export type ToolResources = {
  code_interpreter?: { file_ids?: string[] }
  file_search?: { vector_store_ids?: string[] }
}

/** The reasoning effort hint for reasoning models. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max' | null
