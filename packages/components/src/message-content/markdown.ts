// A small, linear-time Markdown parser (a safe CommonMark/GFM subset) that yields an AST, never HTML: the entry
// point, re-exporting what the package uses. No regex can backtrack catastrophically: block rules look at one line
// with bounded patterns, and inline scanning touches each character a bounded number of times (checklist R2, R4, R7).
// Modules in ./markdown/: types, work (the counter), block-lines + blocks, incremental (streaming: only the open
// tail is parsed again), inline + links + emphasis, entities, chars.
export { parseMarkdown } from './markdown/blocks.ts'
export type { IncrementalMarkdown } from './markdown/incremental.ts'
export { headingSlugs, isEmptyHeading, parseMarkdownIncremental } from './markdown/incremental.ts'
export { inlineText, parseInline } from './markdown/inline.ts'
export type { BlockNode, InlineNode, ParseOptions } from './markdown/types.ts'
export { ANNOTATION_CLOSE, ANNOTATION_OPEN } from './markdown/types.ts'
export { countParseWork } from './markdown/work.ts'
