// Owns the footnotes of a message: its file_citation annotations, numbered in reading order, and their key.
import type { FileCitationAnnotation, MessageContent as MessageContentPart } from '@oai-runs/client'

/** One numbered source: which part and annotation it comes from. */
export type Footnote = {
  number: number
  partIndex: number
  annotationIndex: number
  annotation: FileCitationAnnotation
}

/** The message's file_citation annotations, numbered 1, 2, … in the order of its parts and their annotations. */
export function collectFootnotes(content: readonly MessageContentPart[]): Footnote[] {
  const footnotes: Footnote[] = []
  content.forEach((part, partIndex) => {
    if (part?.type !== 'text' || !Array.isArray(part.text?.annotations)) {
      return
    }
    part.text.annotations.forEach((annotation, annotationIndex) => {
      if (annotation?.type === 'file_citation') {
        footnotes.push({ number: footnotes.length + 1, partIndex, annotationIndex, annotation })
      }
    })
  })
  return footnotes
}

/** What the footnotes show: the same key, the same list (a streamed delta rebuilds the parts, not the citations). */
export function footnotesKey(footnotes: Footnote[]): string {
  return footnotes
    .map(
      ({ partIndex, annotationIndex, annotation }) =>
        `${partIndex}:${annotationIndex}:${annotation.file_citation?.file_id}:${annotation.file_citation?.quote ?? ''}`,
    )
    .join('\n')
}
