// biome-ignore-all lint/suspicious/noArrayIndexKey: AST nodes have no identity but their position; streaming only appends.
// AST → React elements. Text is always a React text child, so nothing the model writes becomes markup (R2).
import type { Annotation } from '@oai-runs/client'
import { cloneElement, Fragment, isValidElement, memo, type ReactElement, type ReactNode } from 'react'
import { type BlockNode, headingSlugs, type InlineNode, inlineText, isEmptyHeading } from './markdown.ts'
import type { MessageContentOptions } from './options.ts'
import { RemoteImage } from './RemoteImage.tsx'
import { safeLinkHref } from './safe-url.ts'

/** What the renderer needs besides the AST: the message's content options plus per-part state. */
export type RenderContext = MessageContentOptions & {
  /** Prefix of heading and footnote ids, unique per message. */
  idPrefix: string
  annotations: readonly Annotation[]
  /** Footnote number of each annotation index (file_citation only). */
  footnoteNumbers: ReadonlyMap<number, number>
  /** Each heading's slug (unique in the message), as the incremental parser gives them; `renderBlocks` makes them when absent. */
  headingSlugs?: WeakMap<BlockNode, string> | undefined
}

const LINK_REL = 'noopener noreferrer nofollow'
const ANNOTATION_IN_TEXT = /\uE000(\d{1,10})\uE001/g

/** A URL returned by the app's own file resolver: relative paths are fine, script schemes are not. */
export function safeResolvedUrl(url: string | null | undefined): string | null {
  if (!url) {
    return null
  }
  try {
    const protocol = new URL(url, 'https://resolver.invalid/').protocol
    return protocol === 'https:' || protocol === 'http:' || protocol === 'blob:' ? url : null
  } catch {
    return null
  }
}

/** The file name of a `sandbox:/mnt/data/x.csv` style annotation text. */
export function fileLabel(text: string): string {
  const name = text.split('/').pop() ?? text
  return name.replace(/^sandbox:/, '') || text
}

function renderAnnotation(index: number, context: RenderContext, key: number): ReactNode {
  const annotation = context.annotations[index]
  if (!annotation) {
    return null
  }
  if (annotation.type === 'file_citation') {
    const number = context.footnoteNumbers.get(index)
    return (
      <sup key={key} data-oai-citation="" data-file-id={annotation.file_citation.file_id}>
        <a
          href={`#${context.idPrefix}fn-${number}`}
          id={`${context.idPrefix}fnref-${number}`}
          aria-label={`Source ${number}`}
        >
          [{number}]
        </a>
      </sup>
    )
  }
  const href = safeResolvedUrl(context.getFileUrl?.(annotation.file_path.file_id))
  const label = fileLabel(annotation.text)
  return href ? (
    <a key={key} data-oai-file-path="" href={href} download={label} rel={LINK_REL}>
      <bdi>{label}</bdi>
    </a>
  ) : (
    <span key={key} data-oai-file-path="" data-file-id={annotation.file_path.file_id}>
      <bdi>{label}</bdi>
    </span>
  )
}

function codeText(value: string, context: RenderContext): string {
  // A citation inside code cannot be a link; show its number instead of the private-use placeholder.
  return value.replace(ANNOTATION_IN_TEXT, (_match, index: string) => {
    const number = context.footnoteNumbers.get(Number(index))
    return number === undefined ? '' : `[${number}]`
  })
}

function renderInline(nodes: InlineNode[], context: RenderContext): ReactNode[] {
  return nodes.map((node, key) => {
    switch (node.type) {
      case 'text': {
        return node.value
      }
      case 'code': {
        return <code key={key}>{codeText(node.value, context)}</code>
      }
      case 'em': {
        return <em key={key}>{renderInline(node.children, context)}</em>
      }
      case 'strong': {
        return <strong key={key}>{renderInline(node.children, context)}</strong>
      }
      case 'del': {
        return <del key={key}>{renderInline(node.children, context)}</del>
      }
      case 'link': {
        // `[chart](sandbox:/mnt/data/chart.png)` with a file_path annotation on the destination: a file link.
        const annotated = /^\uE000(\d{1,10})\uE001$/.exec(node.href)
        if (annotated) {
          const annotation = context.annotations[Number(annotated[1])]
          const fileId = annotation?.type === 'file_path' ? annotation.file_path.file_id : undefined
          const fileHref = fileId ? safeResolvedUrl(context.getFileUrl?.(fileId)) : null
          return fileHref ? (
            <a key={key} data-oai-file-path="" href={fileHref} download rel={LINK_REL}>
              <bdi>{renderInline(node.children, context)}</bdi>
            </a>
          ) : (
            <span key={key} data-oai-file-path="" data-file-id={fileId}>
              <bdi>{renderInline(node.children, context)}</bdi>
            </span>
          )
        }
        const href = safeLinkHref(node.href)
        if (!href) {
          return (
            <span key={key} data-oai-link="" data-state="blocked" title="Unsafe link removed">
              <bdi>{renderInline(node.children, context)}</bdi>
            </span>
          )
        }
        return (
          <a key={key} data-oai-link="" href={href} rel={LINK_REL} target={context.linkTarget}>
            <bdi>{renderInline(node.children, context)}</bdi>
          </a>
        )
      }
      case 'image': {
        return (
          <RemoteImage key={key} src={node.src} alt={node.alt} allowedOrigins={context.allowedImageOrigins} />
        )
      }
      case 'break': {
        return <br key={key} />
      }
      case 'annotation': {
        return renderAnnotation(node.index, context, key)
      }
      default: {
        return node satisfies never
      }
    }
  })
}

// One block (and what it holds) as React elements. `tight`: the blocks of a tight list's item, whose paragraphs are
// bare text (CommonMark's tight lists).
function renderBlock(block: BlockNode, key: number, context: RenderContext, tight = false): ReactNode {
  const render = (nodes: BlockNode[], tightItems = false) =>
    nodes.map((node, index) => renderBlock(node, index, context, tightItems))
  switch (block.type) {
    case 'paragraph': {
      return tight ? (
        <Fragment key={key}>{renderInline(block.children, context)}</Fragment>
      ) : (
        <p key={key}>{renderInline(block.children, context)}</p>
      )
    }
    case 'heading': {
      if (isEmptyHeading(block.children)) {
        return null // an empty heading (e.g. a streamed `## ` before its text) says nothing to anyone
      }
      const level = Math.min(6, block.level + (context.headingOffset ?? 0))
      const Tag = `h${level}` as 'h1'
      return (
        <Tag key={key} id={`${context.idPrefix}${context.headingSlugs?.get(block) ?? 'section'}`}>
          {renderInline(block.children, context)}
        </Tag>
      )
    }
    case 'code': {
      return (
        <pre
          key={key}
          data-oai-code=""
          data-state={block.closed ? 'closed' : 'open'}
          data-lang={block.lang || undefined}
        >
          <code className={block.lang ? `language-${block.lang}` : undefined}>
            {codeText(block.value, context)}
          </code>
        </pre>
      )
    }
    case 'blockquote': {
      return <blockquote key={key}>{render(block.children)}</blockquote>
    }
    case 'list': {
      const items = block.items.map((item, index) => <li key={index}>{render(item, block.tight)}</li>)
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      )
    }
    case 'table': {
      return (
        <table key={key}>
          <thead>
            <tr>
              {block.head.map((cell, index) => (
                <th key={index} scope="col">
                  {renderInline(cell, context)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((cell, index) => (
                  <td key={index}>{renderInline(cell, context)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
    case 'rule': {
      return <hr key={key} />
    }
    default: {
      return block satisfies never
    }
  }
}

/** Renders parsed blocks; heading ids are `user-content-…`-style prefixed and unique within the message (R5). */
export function renderBlocks(blocks: BlockNode[], context: RenderContext): ReactNode[] {
  const withSlugs = context.headingSlugs ? context : { ...context, headingSlugs: headingSlugs(blocks) }
  return blocks.map((block, key) => renderBlock(block, key, withSlugs))
}

/** Props of `MarkdownBlock`. */
export type MarkdownBlockProps = {
  block: BlockNode
  context: RenderContext
  /** The block text is streaming into: its element gets `data-oai-tail` (where the theme draws the caret). */
  tail?: boolean
}

/**
 * One top-level block, memoised on its node and the context: while a message streams, the incremental parser keeps
 * a finished block's node, so the block renders once and only the open tail renders again.
 */
export const MarkdownBlock = memo(function MarkdownBlock({
  block,
  context,
  tail = false,
}: MarkdownBlockProps) {
  blockRenders++
  const element = renderBlock(block, 0, context)
  // Every top-level block renders a host element (or nothing), so the attribute lands on the DOM element.
  return tail && isValidElement(element)
    ? cloneElement(element as ReactElement<Record<string, unknown>>, { 'data-oai-tail': '' })
    : element
})

/**
 * The index of the block that text streams into: the last one that renders something (a streamed `## ` before
 * its text renders nothing); -1 when none does.
 */
export function tailBlockIndex(blocks: readonly BlockNode[]): number {
  for (let index = blocks.length - 1; index >= 0; index--) {
    const block = blocks[index]!
    if (!(block.type === 'heading' && isEmptyHeading(block.children))) {
      return index
    }
  }
  return -1
}

// How many times a MarkdownBlock rendered: tests count renders instead of timing them. Internal, not exported
// from the package.
let blockRenders = 0

/** How many MarkdownBlocks rendered while `run` ran; internal, for tests. */
export function countBlockRenders(run: () => void): number {
  const before = blockRenders
  run()
  return blockRenders - before
}

/** The plain text of parsed blocks (what a screen reader is told when a message completes). */
export function blocksText(blocks: BlockNode[]): string {
  const parts: string[] = []
  for (const block of blocks) {
    if (block.type === 'paragraph' || block.type === 'heading') {
      parts.push(inlineText(block.children))
    } else if (block.type === 'code') {
      parts.push(block.value)
    } else if (block.type === 'blockquote') {
      parts.push(blocksText(block.children))
    } else if (block.type === 'list') {
      parts.push(...block.items.map(blocksText))
    } else if (block.type === 'table') {
      parts.push(...block.rows.map((row) => row.map(inlineText).join(', ')))
    }
  }
  return parts.join('\n').replace(/[\uE000-\uE001]/g, '')
}
