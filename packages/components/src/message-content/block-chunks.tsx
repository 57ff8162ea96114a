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

// How many chunks rendered: tests count renders instead of timing them. Internal, not exported from the package.
let chunkRenders = 0

/** How many BlockChunks rendered while `run` ran; internal, for tests. */
export function countChunkRenders(run: () => void): number {
  const before = chunkRenders
  run()
  return chunkRenders - before
}

type BlockChunkProps = {
  /** All the part's blocks; the chunk shows CHUNK_SIZE of them from `start`. */
  blocks: readonly BlockNode[]
  start: number
  context: RenderContext
  /** The index (in the whole part) of the block text streams into, or -1. */
  tail: number
}

const endOf = ({ blocks, start }: BlockChunkProps) => Math.min(start + CHUNK_SIZE, blocks.length)
const tailIn = (props: BlockChunkProps) =>
  props.tail >= props.start && props.tail < endOf(props) ? props.tail : -1

// A chunk renders again only when one of its own blocks is a new node, or the tail moves into, out of or within it.
function sameChunk(before: BlockChunkProps, after: BlockChunkProps): boolean {
  const end = endOf(after)
  if (
    before.start !== after.start ||
    before.context !== after.context ||
    endOf(before) !== end ||
    tailIn(before) !== tailIn(after)
  ) {
    return false
  }
  for (let at = after.start; at < end; at++) {
    if (before.blocks[at] !== after.blocks[at]) {
      return false
    }
  }
  return true
}

/** The blocks of one chunk, from block `start`; memoised on those blocks' nodes, the context and the tail. */
export const BlockChunk = memo(function BlockChunk(props: BlockChunkProps) {
  chunkRenders++
  const { blocks, start, context } = props
  const tail = tailIn(props)
  return blocks.slice(start, endOf(props)).map((block, offset) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: top-level blocks are identified by their position (streaming only appends).
    <MarkdownBlock key={offset} block={block} context={context} tail={start + offset === tail} />
  ))
}, sameChunk)
