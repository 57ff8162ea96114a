// ToolCallView.Details: a call of a type this library does not know (other hosts' `mcp`, `bing_grounding`,
// `openapi`, …) as pretty JSON text in a collapsible <details>, bidi controls escaped and long details cut.
import type { ToolCall, UnknownToolCall } from '@oai-runs/client'
import { forwardRef } from 'react'
import { Primitive, type PrimitiveProps } from '../internal/primitive.tsx'

/** The most characters of pretty JSON `ToolCallView.Details` shows; the rest is cut with a note. */
export const MAX_DETAILS_LENGTH = 20_000

// Bidi controls inside JSON strings would reorder the text around them; shown as JSON escapes, the value is the same.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

/** A tool call's fields besides `id` and `type`, as pretty JSON text (never markup), bidi controls escaped. */
export function toolCallDetailsText(toolCall: ToolCall): string {
  const { id: _id, type: _type, ...details } = toolCall as UnknownToolCall
  let text: string
  try {
    text = JSON.stringify(details, null, 2) ?? '{}'
  } catch {
    text = '(These details cannot be shown as JSON.)'
  }
  return text.replace(BIDI_CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Props of `ToolCallView.Details`. */
export type ToolCallViewDetailsProps = PrimitiveProps<'details'> & {
  toolCall: ToolCall
  /** The summary line. @defaultValue "Details" */
  summary?: string | undefined
}

/**
 * A call of a type this library does not know (other hosts' `mcp`, `bing_grounding`, `openapi`, …): its fields as
 * pretty JSON in a collapsible `<details>`, closed unless `open`. Text only; long details are cut.
 */
export const ToolCallViewDetails = forwardRef<HTMLDetailsElement, ToolCallViewDetailsProps>(
  ({ toolCall, summary = 'Details', children, ...props }, ref) => {
    const text = toolCallDetailsText(toolCall)
    const cut = text.length > MAX_DETAILS_LENGTH
    return (
      <Primitive.details
        data-oai-tool-details=""
        data-state={cut ? 'truncated' : 'complete'}
        {...props}
        ref={ref}
      >
        <summary>{summary}</summary>
        {children ?? (
          <>
            <pre data-oai-details-json="">{cut ? text.slice(0, MAX_DETAILS_LENGTH) : text}</pre>
            {cut ? (
              <p data-oai-note="">
                Cut at {MAX_DETAILS_LENGTH.toLocaleString('en-US')} of {text.length.toLocaleString('en-US')}{' '}
                characters.
              </p>
            ) : null}
          </>
        )}
      </Primitive.details>
    )
  },
)
ToolCallViewDetails.displayName = 'ToolCallView.Details'
