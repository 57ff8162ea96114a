// Wire types of a message: its content parts and annotations, and the message delta.
import type { Metadata } from './shared.ts'

/** An annotation citing a file inside a text part. */
export type FileCitationAnnotation = {
  type: 'file_citation'
  text: string
  file_citation: { file_id: string; quote?: string }
  start_index: number
  end_index: number
}

/** An annotation pointing to a generated file inside a text part. */
export type FilePathAnnotation = {
  type: 'file_path'
  text: string
  file_path: { file_id: string }
  start_index: number
  end_index: number
}

/** Any annotation of a text part. */
export type Annotation = FileCitationAnnotation | FilePathAnnotation

/** Image detail level. */
export type ImageDetail = 'auto' | 'low' | 'high'

/** A text content part. */
export type TextContent = { type: 'text'; text: { value: string; annotations: Annotation[] } }

/** An uploaded-image content part. */
export type ImageFileContent = { type: 'image_file'; image_file: { file_id: string; detail?: ImageDetail } }

/** An image URL content part. */
export type ImageUrlContent = { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } }

/** A refusal content part. */
export type RefusalContent = { type: 'refusal'; refusal: string }

/** Any content part of a message. */
export type MessageContent = TextContent | ImageFileContent | ImageUrlContent | RefusalContent

/** A message of a thread (`object: "thread.message"`). */
export type Message = {
  id: string
  object: 'thread.message'
  created_at: number
  thread_id: string
  status: 'in_progress' | 'incomplete' | 'completed'
  incomplete_details: {
    reason: 'content_filter' | 'max_tokens' | 'run_cancelled' | 'run_expired' | 'run_failed'
  } | null
  completed_at: number | null
  incomplete_at: number | null
  role: 'user' | 'assistant'
  content: MessageContent[]
  assistant_id: string | null
  run_id: string | null
  attachments: MessageAttachment[] | null
  metadata?: Metadata
}

/** A file attached to a message, with the tools that may read it. */
export type MessageAttachment = {
  file_id: string
  tools: Array<{ type: 'code_interpreter' } | { type: 'file_search' }>
}

/** A partial annotation, merged into `text.annotations[index]`. */
export type AnnotationDelta =
  | {
      index: number
      type: 'file_citation'
      text?: string
      file_citation?: { file_id?: string; quote?: string }
      start_index?: number
      end_index?: number
    }
  | {
      index: number
      type: 'file_path'
      text?: string
      file_path?: { file_id?: string }
      start_index?: number
      end_index?: number
    }

/** A partial content part, merged into `content[index]`. */
export type MessageContentDelta =
  | { index: number; type: 'text'; text?: { value?: string; annotations?: AnnotationDelta[] } }
  | { index: number; type: 'image_file'; image_file?: { file_id?: string; detail?: ImageDetail } }
  | { index: number; type: 'image_url'; image_url?: { url?: string; detail?: ImageDetail } }
  | { index: number; type: 'refusal'; refusal?: string }

/** The payload of `thread.message.delta` (`id` is the message id). */
export type MessageDelta = {
  id: string
  object: 'thread.message.delta'
  delta: { role?: 'user' | 'assistant'; content?: MessageContentDelta[] }
}
