// The Markdown AST (block and inline nodes), the annotation markers and the parser's bounds, shared by every module.

/** An inline node. `annotation` marks where a file_citation / file_path annotation sat in the text. */
export type InlineNode =
  | { type: 'text'; value: string }
  | { type: 'code'; value: string }
  | { type: 'em' | 'strong' | 'del'; children: InlineNode[] }
  | { type: 'link'; href: string; children: InlineNode[] }
  | { type: 'image'; src: string; alt: string }
  | { type: 'break' }
  | { type: 'annotation'; index: number }

/** A block node. A `code` block with `closed: false` is a fence still being streamed. */
export type BlockNode =
  | { type: 'paragraph'; children: InlineNode[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: InlineNode[] }
  | { type: 'code'; lang: string; value: string; closed: boolean }
  | { type: 'blockquote'; children: BlockNode[] }
  | { type: 'list'; ordered: boolean; start: number; tight: boolean; items: BlockNode[][] }
  | { type: 'table'; head: InlineNode[][]; rows: InlineNode[][][] }
  | { type: 'rule' }

/** Options of `parseMarkdown`. */
export type ParseOptions = {
  /** The text is still streaming: hide half-typed syntax at its end instead of showing it raw (R4). */
  streaming?: boolean
}

/** Private-use characters around an annotation index; stripped from model text so it cannot forge them. */
export const ANNOTATION_OPEN = '\uE000'
export const ANNOTATION_CLOSE = '\uE001'

export const MAX_DEPTH = 6 // nested quotes/lists beyond this are plain text (R7)
export const MAX_DESTINATION = 2048 // link destinations longer than this are not links (bounds every scan)
export const MAX_LABEL_DEPTH = 3 // images in link or image labels nested deeper than this are plain text (bounds re-parsing)

/** `labelDepth`: how many link or image labels the text sits in (images stop being parsed past a bound). */
export type InlineOptions = { links: boolean; streaming: boolean; labelDepth: number }

export type Delimiter = {
  type: 'delim'
  char: string
  count: number
  canOpen: boolean
  canClose: boolean
  /**
   * The emphasis this run opens and closes, each as `id * 4 + kind` (EMPHASIS_KINDS' index): numbers, not objects,
   * and `null` until the run pairs (most runs never do).
   */
  opens: number[] | null
  closes: number[] | null
}

export type Token = InlineNode | Delimiter

/** The emphasis kinds, by the code a delimiter's `opens`/`closes` entries carry. */
export const EMPHASIS_KINDS = ['em', 'strong', 'del'] as const
