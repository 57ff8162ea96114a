// Size bench only (`@oai-runs/components without the Markdown renderer`): stands in for
// packages/components/src/message-content/render.tsx. Only the Markdown rendering goes (emphasis, links, images,
// code, lists, tables, headings); what MessageContent and ToolCallView need without Markdown stays, copied from
// render.tsx: paragraphs of text, citation footnote references, file_path links, the resolved-URL check.
import type { Annotation } from '@oai-runs/client'
import { memo, type ReactNode } from 'react'
import type { BlockNode, InlineNode } from '../../packages/components/src/message-content/markdown.ts'
import type { RenderContext } from '../../packages/components/src/message-content/render.tsx'

const LINK_REL = 'noopener noreferrer nofollow'

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

export function fileLabel(text: string): string {
  const name = text.split('/').pop() ?? text
  return name.replace(/^sandbox:/, '') || text
}

function renderAnnotation(
  annotation: Annotation | undefined,
  index: number,
  context: RenderContext,
  key: number,
) {
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
      {label}
    </a>
  ) : (
    <span key={key} data-oai-file-path="" data-file-id={annotation.file_path.file_id}>
      {label}
    </span>
  )
}

function renderInline(nodes: InlineNode[], context: RenderContext): ReactNode[] {
  return nodes.map((node, key) =>
    node.type === 'annotation'
      ? renderAnnotation(context.annotations[node.index], node.index, context, key)
      : node.type === 'text'
        ? node.value
        : null,
  )
}

export function renderBlocks(blocks: BlockNode[], context: RenderContext): ReactNode[] {
  return blocks.map((block, key) =>
    // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs have no identity but their position.
    block.type === 'paragraph' ? <p key={key}>{renderInline(block.children, context)}</p> : null,
  )
}

export function blocksText(blocks: BlockNode[]): string {
  return blocks
    .map((block) =>
      block.type === 'paragraph'
        ? block.children.map((node) => (node.type === 'text' ? node.value : '')).join('')
        : '',
    )
    .join('\n')
}

export const MarkdownBlock = memo(function MarkdownBlock({
  block,
  context,
  tail = false,
}: {
  block: BlockNode
  context: RenderContext
  tail?: boolean
}) {
  return block.type === 'paragraph' ? (
    <p data-oai-tail={tail ? '' : undefined}>{renderInline(block.children, context)}</p>
  ) : null
})

// Here only paragraphs render, so the tail is the last paragraph.
export function tailBlockIndex(blocks: readonly BlockNode[]): number {
  return blocks.findLastIndex((block) => block.type === 'paragraph')
}
