'use client'
// MessageContentOptions: the Markdown/content options. `MessageContent` takes them as direct props; the
// containers (RunStep, RunStepList, RunTimeline, RunViewer) take them as one `contentOptions` object and pass
// it down unchanged, so a new option is added here (and in OPTION_KEYS) and nowhere in between.
import { useRef } from 'react'

/**
 * How message content is rendered: file links, file names, remote images, link targets and heading levels.
 * `MessageContent` takes these as props; `RunStep`, `RunStepList`, `RunTimeline` and `RunViewer` take them as
 * one `contentOptions` object (memoise it, or hoist it, if it holds functions you create while rendering).
 */
export type MessageContentOptions = {
  /** Maps a file id to a URL of your ownership-checked file route; without it files are not linked (R6). */
  getFileUrl?: ((fileId: string) => string | null | undefined) | undefined
  /** Maps a file id to a display name for citations. @defaultValue the file id */
  getFileName?: ((fileId: string) => string | null | undefined) | undefined
  /** Origins (e.g. `https://cdn.example.com`) whose images load without a click (R3). @defaultValue [] */
  allowedImageOrigins?: readonly string[] | undefined
  /** `target` of model links (they always get `rel="noopener noreferrer nofollow"`). */
  linkTarget?: string | undefined
  /** Added to Markdown heading levels so model headings fit your outline. @defaultValue 0 */
  headingOffset?: number | undefined
}

// Every option's name. A Record over the type's keys, so adding an option fails to compile until it is
// listed here too (MessageContent.Root needs the names to keep options out of the DOM props).
const OPTION_KEYS = Object.keys({
  getFileUrl: true,
  getFileName: true,
  allowedImageOrigins: true,
  linkTarget: true,
  headingOffset: true,
} satisfies Record<keyof MessageContentOptions, true>) as ReadonlyArray<keyof MessageContentOptions>

/** Splits props into the content options and everything else (the props for the DOM element). */
export function splitContentOptions<P extends MessageContentOptions>(
  props: P,
): [MessageContentOptions, Omit<P, keyof MessageContentOptions>] {
  const options: Record<string, unknown> = {}
  const rest: Record<string, unknown> = { ...props }
  for (const key of OPTION_KEYS) {
    if (key in rest) {
      options[key] = rest[key]
      delete rest[key]
    }
  }
  return [options as MessageContentOptions, rest as Omit<P, keyof MessageContentOptions>]
}

function sameOptions(a: MessageContentOptions, b: MessageContentOptions): boolean {
  return OPTION_KEYS.every((key) => a[key] === b[key])
}

/**
 * The previous options object for as long as every option is the same (`===`), so a context built from it
 * does not change on every render of a parent that passes a fresh object or spreads the options.
 */
export function useStableContentOptions(options: MessageContentOptions): MessageContentOptions {
  const stable = useRef(options)
  // Always an object equal to the current options: a render React discards costs at most one extra context
  // change later, never a stale option.
  if (!sameOptions(stable.current, options)) {
    stable.current = options
  }
  return stable.current
}
