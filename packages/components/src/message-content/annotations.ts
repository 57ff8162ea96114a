// Places file_citation / file_path annotations into the text as private-use placeholders (R6).
import type { Annotation } from '@oai-runs/client'
import { ANNOTATION_CLOSE, ANNOTATION_OPEN } from './markdown.ts'

const PLACEHOLDER_CHARS = new RegExp(`[${ANNOTATION_OPEN}${ANNOTATION_CLOSE}]`, 'g')

// Annotation offsets should be UTF-16 indices, but some servers count code points (emoji shift them). Try
// the offsets as given, then as code points, then search for the annotated text after the previous one.
function locate(value: string, annotation: Annotation, from: number): [number, number] | null {
  const { start_index: start, end_index: end, text } = annotation
  if (!text) {
    return null
  }
  if (value.slice(start, end) === text && start >= from) {
    return [start, end]
  }
  const codePoints = Array.from(value)
  if (codePoints.length !== value.length && codePoints.slice(start, end).join('') === text) {
    const utf16Start = codePoints.slice(0, start).join('').length
    if (utf16Start >= from) {
      return [utf16Start, utf16Start + text.length]
    }
  }
  const found = value.indexOf(text, from)
  return found >= 0 ? [found, found + text.length] : null
}

/** The text with each located annotation replaced by a placeholder, and which annotations were placed. */
export function placeAnnotations(
  value: string,
  annotations: readonly Annotation[],
): { text: string; placed: boolean[] } {
  const order = annotations
    .map((annotation, index) => ({ annotation, index }))
    .sort((a, b) => a.annotation.start_index - b.annotation.start_index)
  const placed = annotations.map(() => false)
  let text = ''
  let cursor = 0
  for (const { annotation, index } of order) {
    const range = locate(value, annotation, cursor)
    if (!range) {
      continue
    }
    text += value.slice(cursor, range[0]).replace(PLACEHOLDER_CHARS, '')
    text += `${ANNOTATION_OPEN}${index}${ANNOTATION_CLOSE}`
    cursor = range[1]
    placed[index] = true
  }
  text += value.slice(cursor).replace(PLACEHOLDER_CHARS, '')
  return { text, placed }
}
