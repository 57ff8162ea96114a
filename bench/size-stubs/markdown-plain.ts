// Size bench only (`@oai-runs/components without the Markdown renderer`): stands in for
// packages/components/src/message-content/markdown.ts with no Markdown at all. Text becomes paragraphs (split on
// blank lines) of plain text; what is not Markdown stays: the annotation placeholders become annotation nodes, so
// citations and file links still render. Same exports, same AST types.
import type {
  BlockNode,
  InlineNode,
  ParseOptions,
} from '../../packages/components/src/message-content/markdown.ts'

export const ANNOTATION_OPEN = '\uE000'
export const ANNOTATION_CLOSE = '\uE001'

const ANNOTATION = /\uE000(\d{1,10})\uE001/g

export function parseInline(text: string, _options?: unknown): InlineNode[] {
  const nodes: InlineNode[] = []
  let last = 0
  for (const match of text.matchAll(ANNOTATION)) {
    if (match.index > last) {
      nodes.push({ type: 'text', value: text.slice(last, match.index) })
    }
    nodes.push({ type: 'annotation', index: Number(match[1]) })
    last = match.index + match[0].length
  }
  if (last < text.length) {
    nodes.push({ type: 'text', value: text.slice(last) })
  }
  return nodes
}

export function parseMarkdown(source: string, _options: ParseOptions = {}): BlockNode[] {
  return source
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => ({ type: 'paragraph', children: parseInline(paragraph) }))
}

export function inlineText(nodes: InlineNode[]): string {
  return nodes.map((node) => (node.type === 'text' ? node.value : '')).join('')
}

export type IncrementalMarkdown = {
  readonly source: string
  readonly streaming: boolean
  readonly blocks: readonly BlockNode[]
  readonly done: number
  readonly doneLength: number
  readonly seen: ReadonlyMap<string, number>
  readonly slugs: WeakMap<BlockNode, string>
}

export function isEmptyHeading(children: InlineNode[]): boolean {
  return inlineText(children).trim() === ''
}

export function headingSlugs(_blocks: readonly BlockNode[]): WeakMap<BlockNode, string> {
  return new WeakMap()
}

// No incremental parsing without Markdown: the plain paragraphs are cheap to split again.
export function parseMarkdownIncremental(
  _previous: IncrementalMarkdown | undefined,
  source: string,
  options: ParseOptions = {},
): IncrementalMarkdown {
  const blocks = parseMarkdown(source, options)
  return {
    source,
    streaming: options.streaming === true,
    blocks,
    done: 0,
    doneLength: 0,
    seen: new Map(),
    slugs: new WeakMap(),
  }
}
