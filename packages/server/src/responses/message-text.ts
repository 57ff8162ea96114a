// The open assistant message as the Responses stream writes it: text deltas, and annotations turned into Assistants
// ones (a file citation becomes a marker in the text; a container file citation a file_path over the text it cites),
// with upstream text positions moved past the markers put in before them.
import type { ModelOutput } from '../model.ts'

/** A Responses annotation, as far as the adapter reads it (FileCitationBody, ContainerFileCitationBody, FilePath). */
export interface UpstreamAnnotation {
  type?: string
  file_id?: string
  filename?: string
  index?: number
  start_index?: number
  end_index?: number
}

/** A content part of a message item: where it starts in the Runs message, and the markers put into it. */
interface Part {
  base: number
  length: number
  inserted: { at: number; length: number }[]
  /** Annotations read from `annotation.added` events (a `content_part.done` adds only the ones after these). */
  annotations: number
}

/** How file citations are written into the text. */
export type CitationText = (citation: { file_id: string; filename: string; number: number }) => string

/** The Runs message being written: tracks its length and parts, and maps deltas and annotations to outputs. */
export function createMessageText(citationText: CitationText) {
  let parts = new Map<string, Part>()
  let length = 0
  let citations = 0

  const part = (itemId: string | undefined, contentIndex: number | undefined): Part => {
    const key = `${itemId}:${contentIndex ?? 0}`
    const known = parts.get(key) ?? { base: length, length: 0, inserted: [], annotations: 0 }
    parts.set(key, known)
    return known
  }

  /** The message's index for a position in the upstream part's text (markers before it shift it). */
  const position = (known: Part, at: number, inclusive: boolean) =>
    known.base +
    at +
    known.inserted
      .filter((mark) => (inclusive ? mark.at <= at : mark.at < at))
      .reduce((sum, mark) => sum + mark.length, 0)

  function annotation(known: Part, given: UpstreamAnnotation): ModelOutput | null {
    if (given.type === 'file_citation' && given.file_id) {
      // Assistants cite with a marker in the text; the Responses API gives a position: the marker goes at the end
      // of the text so far, where the cited passage just streamed.
      const marker = citationText({
        file_id: given.file_id,
        filename: given.filename ?? given.file_id,
        number: ++citations,
      })
      known.inserted.push({ at: known.length, length: marker.length })
      length += marker.length
      return { type: 'text', text: marker, annotation: { type: 'file_citation', file_id: given.file_id } }
    }
    if ((given.type === 'container_file_citation' || given.type === 'file_path') && given.file_id) {
      const start = given.start_index ?? given.index ?? known.length
      const stop = given.end_index ?? given.index ?? start
      return {
        type: 'text',
        text: '',
        annotation: {
          type: 'file_path',
          file_id: given.file_id,
          start_index: position(known, start, true),
          end_index: position(known, stop, false),
        },
      }
    }
    return null // url_citation and others have no Assistants counterpart
  }

  return {
    /** A part opens (`content_part.added`). */
    open(itemId: string | undefined, contentIndex: number | undefined) {
      part(itemId, contentIndex)
    },
    /** A text (or refusal) delta of a part. */
    delta(itemId: string | undefined, contentIndex: number | undefined, text: string): ModelOutput {
      part(itemId, contentIndex).length += text.length
      length += text.length
      return { type: 'text', text }
    },
    /** Text that came whole (a message item without deltas). */
    whole(text: string): ModelOutput {
      length += text.length
      return { type: 'text', text }
    },
    /** An `annotation.added` event: the output for it, if it has an Assistants counterpart. */
    annotate(itemId: string | undefined, contentIndex: number | undefined, given: UpstreamAnnotation | null) {
      const known = part(itemId, contentIndex)
      known.annotations++
      return given ? annotation(known, given) : null
    },
    /** A `content_part.done`: the outputs for annotations it lists that no `annotation.added` event sent. */
    done(itemId: string | undefined, contentIndex: number | undefined, listed: unknown): ModelOutput[] {
      const known = part(itemId, contentIndex)
      const annotations = Array.isArray(listed) ? (listed as UpstreamAnnotation[]) : []
      const outputs: ModelOutput[] = []
      for (const given of annotations.slice(known.annotations)) {
        known.annotations++
        const output = given && typeof given === 'object' ? annotation(known, given) : null
        if (output) {
          outputs.push(output)
        }
      }
      return outputs
    },
    /** A tool step closed the message: the next text starts a new one. */
    close() {
      parts = new Map()
      length = 0
      citations = 0
    },
  }
}
