// biome-ignore-all lint/suspicious/noArrayIndexKey: content parts are identified by their index (the API's `index`), top-level blocks by their position (streaming only appends).
'use client'
// MessageContent: a message's content parts with safe Markdown, citations as footnotes, images and refusals.
import type {
  ImageFileContent,
  ImageUrlContent,
  Message,
  MessageContent as MessageContentPart,
  RefusalContent,
  TextContent,
} from '@oai-runs/client'
import {
  createContext,
  forwardRef,
  memo,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import { Primitive, type PrimitiveProps, visuallyHidden } from '../internal/primitive.tsx'
import { useByKey } from '../internal/use-by-key.ts'
import { placeAnnotations } from './annotations.ts'
import { BlockChunk, CHUNK_SIZE } from './block-chunks.tsx'
import { collectFootnotes, type Footnote, footnotesKey } from './footnotes.ts'
import { parseMarkdown } from './markdown.ts'
import { type MessageContentOptions, splitContentOptions, useStableContentOptions } from './options.ts'
import { RemoteImage } from './RemoteImage.tsx'
import { blocksText, type RenderContext, safeResolvedUrl, tailBlockIndex } from './render.tsx'
import { useIncrementalMarkdown } from './use-markdown.ts'

export type { MessageContentOptions } from './options.ts'

/** The status of the message being shown: `in_progress` while it streams. */
export type MessageContentStatus = Message['status']

type MessageContentContextValue = {
  /**
   * The latest content parts, for who reads them once (the announcer, when the message completes). A ref, not a
   * value: the context then stays the same while tokens stream, and React has nothing to propagate per token.
   */
  contentRef: { readonly current: readonly MessageContentPart[] }
  status: MessageContentStatus
  idPrefix: string
  /** The message's id when known: parts of one message shown twice share their parse. */
  messageId: string | undefined
  footnotes: Footnote[]
  options: MessageContentOptions
}

const MessageContentContext = createContext<MessageContentContextValue | null>(null)

function useMessageContentContext(part: string): MessageContentContextValue {
  const context = useContext(MessageContentContext)
  if (!context) {
    throw new Error(`\`MessageContent.${part}\` must be used within \`MessageContent.Root\`.`)
  }
  return context
}

// A layout effect in the browser; on the server (where none run) an effect, so React 18 does not warn.
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

// ROOT

/** Props of `MessageContent.Root`. */
export type MessageContentRootProps = Omit<PrimitiveProps<'div'>, 'content'> &
  MessageContentOptions & {
    /** The message's content parts. */
    content: readonly MessageContentPart[]
    /** The message status; `in_progress` renders half-typed Markdown gracefully. @defaultValue 'completed' */
    status?: MessageContentStatus | undefined
    /** Used to make heading and footnote ids unique (`user-content-<id>-…`). */
    messageId?: string | undefined
  }

/** The container of one message's content; provides the content and options to the other parts. */
export const MessageContentRoot = forwardRef<HTMLDivElement, MessageContentRootProps>(
  ({ content, status = 'completed', messageId, ...rest }, ref) => {
    const [contentOptions, props] = splitContentOptions(rest)
    const options = useStableContentOptions(contentOptions)
    const reactId = useId()
    const idPrefix = `user-content-${(messageId ?? reactId).replace(/[^A-Za-z0-9_-]/g, '')}-`
    const collected = useMemo(() => collectFootnotes(content), [content])
    const footnotes = useByKey(collected, footnotesKey(collected))
    const contentRef = useRef(content)
    useIsomorphicLayoutEffect(() => {
      contentRef.current = content
    })
    const value = useMemo(
      () => ({ contentRef, status, idPrefix, messageId, footnotes, options }),
      [status, idPrefix, messageId, footnotes, options],
    )
    return (
      <MessageContentContext.Provider value={value}>
        <Primitive.div
          data-state={status}
          aria-busy={status === 'in_progress' || undefined}
          {...props}
          ref={ref}
        />
      </MessageContentContext.Provider>
    )
  },
)
MessageContentRoot.displayName = 'MessageContent.Root'

// TEXT

/** Props of `MessageContent.Text`. */
export type MessageContentTextProps = Omit<PrimitiveProps<'div'>, 'part'> & {
  /** The text part. */
  part: TextContent
  /** Its index in the message's content (for citation numbers). */
  index: number
}

const NO_ANNOTATIONS: TextContent['text']['annotations'] = []

// Each annotations array's key, made once per array and length: a text delta keeps the part's array, so a token
// costs a lookup, not a JSON.stringify of every citation (an array grown in place is keyed again).
const annotationKeys = new WeakMap<object, { length: number; key: string }>()

function annotationsKey(annotations: TextContent['text']['annotations']): string {
  if (annotations.length === 0) {
    return ''
  }
  const known = annotationKeys.get(annotations)
  if (known?.length === annotations.length) {
    return known.key
  }
  const key = JSON.stringify(annotations)
  annotationKeys.set(annotations, { length: annotations.length, key })
  return key
}

/** One text part rendered as safe Markdown, with citations as footnote references. */
export const MessageContentText = forwardRef<HTMLDivElement, MessageContentTextProps>(
  ({ part, index, ...props }, ref) => {
    const { status, idPrefix, footnotes, options, messageId } = useMessageContentContext('Text')
    const value = typeof part?.text?.value === 'string' ? part.text.value : ''
    const given = Array.isArray(part?.text?.annotations) ? part.text.annotations : NO_ANNOTATIONS
    const annotations = useByKey(given, annotationsKey(given))
    const streaming = status === 'in_progress'
    const text = useMemo(() => placeAnnotations(value, annotations).text, [value, annotations])
    const parse = useIncrementalMarkdown(
      text,
      streaming,
      messageId === undefined ? undefined : `${messageId}:${index}`,
    )
    const numbers = footnotes
      .filter((note) => note.partIndex === index)
      .map((note) => [note.annotationIndex, note.number] as const)
    const footnoteNumbers = useByKey(numbers, numbers.join(';'))
    // Stable while only the text grows, so every finished block (a memoised MarkdownBlock) skips rendering.
    const context = useMemo<RenderContext>(
      () => ({
        ...options,
        idPrefix,
        annotations,
        footnoteNumbers: new Map(footnoteNumbers),
        headingSlugs: parse.slugs,
      }),
      [options, idPrefix, annotations, footnoteNumbers, parse.slugs],
    )
    // The caret is drawn on the tail block's own attribute, not on `[data-state] > :last-child`: a selector whose
    // last part has no attribute or class makes the browser restyle the whole message when `data-state` changes
    // (a 60 KB reply: ~5,500 elements, a 100 ms frame when it completes).
    const tail = streaming ? tailBlockIndex(parse.blocks) : -1
    return (
      <Primitive.div data-oai-part="text" data-state={status} {...props} ref={ref}>
        {/* In memoised chunks of blocks (block-chunks.tsx): a token renders the chunk it grows in. */}
        {Array.from({ length: Math.ceil(parse.blocks.length / CHUNK_SIZE) }, (_, key) => (
          <BlockChunk
            key={key}
            blocks={parse.blocks}
            start={key * CHUNK_SIZE}
            context={context}
            tail={tail}
          />
        ))}
      </Primitive.div>
    )
  },
)
MessageContentText.displayName = 'MessageContent.Text'

// IMAGE

/** Props of `MessageContent.Image`. */
export type MessageContentImageProps = Omit<PrimitiveProps<'figure'>, 'part'> & {
  part: ImageFileContent | ImageUrlContent
}

/** An `image_file` part (through `getFileUrl`) or an `image_url` part (click-to-load unless allowlisted). */
export const MessageContentImage = forwardRef<HTMLElement, MessageContentImageProps>(
  ({ part, ...props }, ref) => {
    const { options } = useMessageContentContext('Image')
    let body: React.ReactNode
    let state: string
    if (part.type === 'image_file') {
      const fileId = part.image_file?.file_id ?? ''
      const src = safeResolvedUrl(options.getFileUrl?.(fileId))
      state = src ? 'loaded' : 'unresolved'
      body = src ? (
        <img src={src} alt={`Attached file ${fileId}`} />
      ) : (
        <span>
          Image file <bdi>{fileId}</bdi>
        </span>
      )
    } else {
      state = 'url'
      body = (
        <RemoteImage
          src={part.image_url?.url ?? ''}
          alt="Image"
          allowedOrigins={options.allowedImageOrigins}
        />
      )
    }
    return (
      <Primitive.figure data-oai-part={part.type} data-state={state} {...props} ref={ref}>
        {body}
      </Primitive.figure>
    )
  },
)
MessageContentImage.displayName = 'MessageContent.Image'

// REFUSAL

/** Props of `MessageContent.Refusal`. */
export type MessageContentRefusalProps = Omit<PrimitiveProps<'p'>, 'part'> & { part: RefusalContent }

/** A `refusal` part, shown as plain text. */
export const MessageContentRefusal = forwardRef<HTMLParagraphElement, MessageContentRefusalProps>(
  ({ part, ...props }, ref) => (
    <Primitive.p data-oai-part="refusal" data-state="refusal" {...props} ref={ref}>
      {part.refusal}
    </Primitive.p>
  ),
)
MessageContentRefusal.displayName = 'MessageContent.Refusal'

// FOOTNOTES

/** Props of `MessageContent.Footnotes`. */
export type MessageContentFootnotesProps = PrimitiveProps<'section'>

/** The list of `file_citation` sources; renders nothing when there are none. */
export const MessageContentFootnotes = forwardRef<HTMLElement, MessageContentFootnotesProps>((props, ref) => {
  const { footnotes, idPrefix, options } = useMessageContentContext('Footnotes')
  if (footnotes.length === 0) {
    return null
  }
  return (
    <Primitive.section data-oai-footnotes="" aria-label="Sources" data-state="open" {...props} ref={ref}>
      <ol>
        {footnotes.map(({ number, annotation }) => {
          const fileId = annotation.file_citation?.file_id ?? ''
          const name = options.getFileName?.(fileId) || fileId
          const href = safeResolvedUrl(options.getFileUrl?.(fileId))
          return (
            <li key={number} id={`${idPrefix}fn-${number}`} data-file-id={fileId}>
              {href ? (
                <a href={href} rel="noopener noreferrer nofollow">
                  <bdi>{name}</bdi>
                </a>
              ) : (
                <bdi>{name}</bdi>
              )}
              {annotation.file_citation?.quote ? (
                <q>
                  <bdi>{annotation.file_citation.quote}</bdi>
                </q>
              ) : null}{' '}
              <a href={`#${idPrefix}fnref-${number}`} aria-label={`Back to reference ${number}`}>
                ↩
              </a>
            </li>
          )
        })}
      </ol>
    </Primitive.section>
  )
})
MessageContentFootnotes.displayName = 'MessageContent.Footnotes'

// ANNOUNCER

function messageText(content: readonly MessageContentPart[]): string {
  return content
    .map((part) => {
      if (part?.type === 'text') {
        return blocksText(
          parseMarkdown(placeAnnotations(part.text?.value ?? '', part.text?.annotations ?? []).text),
        )
      }
      return part?.type === 'refusal' ? part.refusal : ''
    })
    .filter(Boolean)
    .join('\n')
}

/** Props of `MessageContent.Announcer`. */
export type MessageContentAnnouncerProps = PrimitiveProps<'div'>

/**
 * A visually hidden live region that stays silent while tokens stream and announces the whole message once
 * it completes (announcing per token floods screen readers).
 */
export const MessageContentAnnouncer = forwardRef<HTMLDivElement, MessageContentAnnouncerProps>(
  (props, ref) => {
    const { status, contentRef } = useMessageContentContext('Announcer')
    const previous = useRef(status)
    const [announcement, setAnnouncement] = useState('')
    useEffect(() => {
      if (previous.current === 'in_progress' && status !== 'in_progress') {
        // The root's layout effect of this same commit has stored the content that came with the status.
        const text = messageText(contentRef.current)
        setAnnouncement(status === 'completed' ? text : `Message incomplete. ${text}`)
      }
      previous.current = status
    }, [status, contentRef])
    return (
      <Primitive.div
        role="status"
        data-state={announcement ? 'announced' : 'idle'}
        style={visuallyHidden}
        {...props}
        ref={ref}
      >
        {announcement}
      </Primitive.div>
    )
  },
)
MessageContentAnnouncer.displayName = 'MessageContent.Announcer'

// COMPOSITE

/** Props of `MessageContent`. */
export type MessageContentProps = Omit<MessageContentRootProps, 'content' | 'status' | 'children'> & {
  /** The message to show (its content, status and id). */
  message?: Message | undefined
  /** Content parts, when you have no Message object. */
  content?: readonly MessageContentPart[] | undefined
  /** The message status. @defaultValue message.status, else 'completed' */
  status?: MessageContentStatus | undefined
}

// Memoised: in a long thread only the message that changed renders again (pass stable option callbacks).
const MessageContentComposite = memo(
  forwardRef<HTMLDivElement, MessageContentProps>(function MessageContentComposite(
    { message, content, status, messageId, ...props },
    ref,
  ) {
    const parts = content ?? message?.content ?? []
    return (
      <MessageContentRoot
        content={parts}
        status={status ?? message?.status ?? 'completed'}
        messageId={messageId ?? message?.id}
        {...props}
        ref={ref}
      >
        {parts.map((part, index) => {
          switch (part?.type) {
            case 'text': {
              return <MessageContentText key={index} part={part} index={index} />
            }
            case 'image_file':
            case 'image_url': {
              return <MessageContentImage key={index} part={part} />
            }
            case 'refusal': {
              return <MessageContentRefusal key={index} part={part} />
            }
            default: {
              return null
            }
          }
        })}
        <MessageContentFootnotes />
        <MessageContentAnnouncer />
      </MessageContentRoot>
    )
  }),
)

/**
 * Renders a message's content safely: Markdown without raw HTML, inert script links, click-to-load remote
 * images, citations as footnotes; use the parts (`MessageContent.Root`, `.Text`, …) to compose your own.
 * @example
 * <MessageContent message={message} getFileUrl={(id) => `/api/files/${id}`} />
 */
export const MessageContent = Object.assign(MessageContentComposite, {
  Root: MessageContentRoot,
  Text: MessageContentText,
  Image: MessageContentImage,
  Refusal: MessageContentRefusal,
  Footnotes: MessageContentFootnotes,
  Announcer: MessageContentAnnouncer,
})
