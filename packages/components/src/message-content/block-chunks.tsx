// Owns how a text part's top-level blocks are grouped for React: in fixed runs of CHUNK_SIZE blocks, each a memoised
// component, so a commit while a reply streams reconciles a few chunks and the blocks of the last one, not every
// block of the message. A memoised MarkdownBlock alone skips rendering a finished block, but React still visits
// its fiber on every commit (reconcile, bubble, commit walk): on a 60 KB reply ~300 visits per token, paid once
// per pane that shows the message. Chunks render a fragment: the DOM stays one element per block.
import { memo } from 'react'
import type { BlockNode } from './markdown.ts'
import { MarkdownBlock, type RenderContext } from './render.tsx'

/** Blocks per chunk: large enough that the chunk count stays small, small enough that the open chunk is cheap. */
export const CHUNK_SIZE = 32

const NO_BLOCKS: readonly BlockNode[] = []

/**
 * Splits `blocks` into runs of CHUNK_SIZE, reusing the previous call's run (the same array) when every block in it
 * is the same node, so that a memoised chunk whose blocks did not change is skipped. `previous` is the last
 * result; pass what this returned last time.
 */
export function chunkBlocks(
  blocks: readonly BlockNode[],
  previous: readonly (readonly BlockNode[])[],
): readonly (readonly BlockNode[])[] {
  const chunks: (readonly BlockNode[])[] = []
  for (let start = 0, index = 0; start < blocks.length; start += CHUNK_SIZE, index++) {
    const end = Math.min(start + CHUNK_SIZE, blocks.length)
    const before = previous[index] ?? NO_BLOCKS
    let same = before.length === end - start
    for (let at = start; same && at < end; at++) {
      same = before[at - start] === blocks[at]
    }
    chunks.push(same ? before : blocks.slice(start, end))
  }
  return chunks
}

// How many chunks rendered: tests count renders instead of timing them. Internal, not exported from the package.
let chunkRenders = 0

/** How many BlockChunks rendered while `run` ran; internal, for tests. */
export function countChunkRenders(run: () => void): number {
  const before = chunkRenders
  run()
  return chunkRenders - before
}

/**
 * One run of blocks starting at block `start`; `tail` is the index (in the whole part) of the block text streams
 * into, or -1. Only the chunk holding the tail gets it, so the others keep -1 and stay memoised.
 */
export const BlockChunk = memo(function BlockChunk({
  blocks,
  start,
  context,
  tail,
}: {
  blocks: readonly BlockNode[]
  start: number
  context: RenderContext
  tail: number
}) {
  chunkRenders++
  return blocks.map((block, offset) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: top-level blocks are identified by their position (streaming only appends).
    <MarkdownBlock key={offset} block={block} context={context} tail={start + offset === tail} />
  ))
})
