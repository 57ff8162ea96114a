// The incremental parser against the whole-text parser, on every prefix of streamed documents, and the work and
// renders a streamed token costs (counted, never timed).
import type { Message, MessageContent as MessageContentPart } from '@oai-runs/client'
import { act, render } from '@testing-library/react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { RunStep } from '../run-step-list/RunStep.tsx'
import { CHUNK_SIZE, countChunkRenders } from './block-chunks.tsx'
import { MessageContent } from './MessageContent.tsx'
import {
  countParseWork,
  type IncrementalMarkdown,
  parseMarkdown,
  parseMarkdownIncremental,
} from './markdown.ts'
import { countBlockRenders, type RenderContext, renderBlocks } from './render.tsx'

// A seeded PRNG (mulberry32): the same corpus and the same chunk cuts on every run.
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Pieces whose meaning depends on what follows: a `#` that may become `#tag`, a `-` that may become a list or a
// setext underline, fences opened and closed, lazy continuations, loose lists, tables whose delimiter row comes
// late, indented code, `\r\n` and `\r` line ends, headings that repeat (slug counters).
const PIECES = [
  '# Title\n\n',
  '## Title\n',
  'Para with **bold** and *em* and `code` and [a link](https://example.com).\n',
  'lazy line\n',
  '\n',
  '\n\n',
  '#hashtag not a heading\n',
  '-\n',
  '---\n',
  '===\n',
  '- one\n- two\n',
  '- item\n\n  continued in the item\n',
  '1. first\n2. second\n\n3. loose\n',
  '> quote *a*\nlazy quote\n',
  '> - nested\n>   list\n',
  '```js\nconst x = 1\n\n',
  '```\n',
  '~~~\ncode\n~~~\n',
  '    indented code\n\n    more\n',
  '| a | b |\n',
  '|---|---|\n| 1 | 2 |\n',
  'text\r\n',
  'text\r',
  '***\n',
  '**unclosed bold ',
  '[half a link](https://exa',
  '![img](https://img.example/x.png)\n',
  '  - deeper\n',
  'Setext\n---\n',
]

function corpus(count: number, seed: number): string[] {
  const random = prng(seed)
  return Array.from({ length: count }, () => {
    let doc = ''
    const length = 3 + Math.floor(random() * 14)
    for (let i = 0; i < length; i++) {
      doc += PIECES[Math.floor(random() * PIECES.length)]
    }
    return doc
  })
}

// Streams `doc` in random cuts of 1–12 characters, checking every prefix against a whole parse.
function streamAndCompare(doc: string, random: () => number): IncrementalMarkdown {
  let state: IncrementalMarkdown | undefined
  let at = 0
  while (at < doc.length) {
    at = Math.min(doc.length, at + 1 + Math.floor(random() * 12))
    const prefix = doc.slice(0, at)
    state = parseMarkdownIncremental(state, prefix, { streaming: true })
    expect(state.blocks, JSON.stringify(prefix)).toEqual(parseMarkdown(prefix, { streaming: true }))
  }
  const final = parseMarkdownIncremental(state, doc, { streaming: false })
  expect(final.blocks, JSON.stringify(doc)).toEqual(parseMarkdown(doc, { streaming: false }))
  return final
}

const CONTEXT: RenderContext = { idPrefix: 'm-', annotations: [], footnoteNumbers: new Map() }

describe('parseMarkdownIncremental equals parseMarkdown on every prefix', () => {
  test('400 generated documents streamed in random cuts', () => {
    const random = prng(7)
    for (const doc of corpus(400, 42)) {
      const final = streamAndCompare(doc, random)
      // Heading ids come from the incremental slugs: the same markup as a fresh render.
      const incremental = renderToStaticMarkup(
        renderBlocks([...final.blocks], { ...CONTEXT, headingSlugs: final.slugs }),
      )
      expect(incremental).toBe(renderToStaticMarkup(renderBlocks(parseMarkdown(doc), CONTEXT)))
    }
  }, 60_000) // ~1 s alone; a generous bound for a loaded machine

  test('character by character, with repeated headings keeping unique ids', () => {
    const doc = '# A\n\ntext\n\n# A\n\n- # A\n\n> # A\n\n#A\n# A\n'
    let state: IncrementalMarkdown | undefined
    for (let at = 1; at <= doc.length; at++) {
      state = parseMarkdownIncremental(state, doc.slice(0, at), { streaming: true })
      expect(state.blocks).toEqual(parseMarkdown(doc.slice(0, at), { streaming: true }))
    }
    const html = renderToStaticMarkup(
      renderBlocks([...state!.blocks], { ...CONTEXT, headingSlugs: state!.slugs }),
    )
    expect([...html.matchAll(/id="([^"]+)"/g)].map((match) => match[1])).toEqual([
      'm-a',
      'm-a-1',
      'm-a-2',
      'm-a-3',
      'm-a-4',
    ])
  })

  test('text that does not extend the last parse (an annotation placed earlier, a new message) parses whole', () => {
    const first = parseMarkdownIncremental(undefined, '# One\n\npara\n\nmore', { streaming: true })
    expect(first.done).toBeGreaterThan(0)
    const other = parseMarkdownIncremental(first, '# Two\n\npara\n\nmore', { streaming: true })
    expect(other.blocks).toEqual(parseMarkdown('# Two\n\npara\n\nmore', { streaming: true }))
    expect(other.blocks[0]).not.toBe(first.blocks[0])
  })
})

describe('a streamed token costs work independent of the message length', () => {
  // Paragraphs and lists of bounded size: a message of `n` blocks, streamed 4 characters at a time.
  const message = (blocks: number) =>
    Array.from({ length: blocks }, (_, i) =>
      i % 3 === 2 ? `- item ${i}\n- item *${i}*\n\n` : `Paragraph ${i} with **bold** and \`code\`.\n\n`,
    ).join('')

  function streamWork(doc: string): { total: number; max: number; last: IncrementalMarkdown } {
    let state: IncrementalMarkdown | undefined
    let total = 0
    let max = 0
    for (let at = 4; at < doc.length + 4; at += 4) {
      const work = countParseWork(() => {
        state = parseMarkdownIncremental(state, doc.slice(0, at), { streaming: true })
      })
      total += work
      max = Math.max(max, work)
    }
    return { total, max, last: state! }
  }

  test('finished blocks keep their nodes; total work is linear and a token never re-parses the message', () => {
    const small = streamWork(message(200))
    const large = streamWork(message(400))
    // Whole re-parsing doubles the work per token and the token count: 4× in all. Incremental: 2×.
    expect(large.total).toBeLessThanOrEqual(2.2 * small.total)
    expect(large.max).toBeLessThanOrEqual(small.max * 1.05)
    // The counter counts: a whole parse of the large message is far more than one token's worth.
    expect(countParseWork(() => parseMarkdown(message(400)))).toBeGreaterThan(50 * large.max)
    const before = large.last
    const after = parseMarkdownIncremental(before, `${before.source}More`, { streaming: true })
    expect(after.blocks.slice(0, before.done)).toEqual(before.blocks.slice(0, before.done))
    before.blocks.slice(0, before.done).forEach((block, index) => {
      expect(after.blocks[index]).toBe(block)
    })
  })
})

function streamingMessage(value: string, status: Message['status'] = 'in_progress'): Message {
  const content: MessageContentPart[] = [{ type: 'text', text: { value, annotations: [] } }]
  return {
    id: 'msg_stream',
    object: 'thread.message',
    created_at: 1,
    thread_id: 'thread_1',
    status,
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: 'assistant',
    content,
    assistant_id: 'asst_1',
    run_id: 'run_1',
    attachments: [],
    metadata: {},
  }
}

describe('MessageContent renders only the open tail while a message streams', () => {
  const long = Array.from({ length: 120 }, (_, i) => `## Part ${i}\n\nText of part ${i}.\n\n`).join('')

  // A token renders the block it grows, however long the message. The block before it is finished once nothing
  // on the growing line can reach back into it: a paragraph ended by a blank line is; a list is not (an indented
  // line would continue its item), so after a list a token renders two blocks.
  test('a token re-renders the open tail (two blocks at most), whatever the length', () => {
    const { container, rerender } = render(<MessageContent message={streamingMessage(`${long}Tail`)} />)
    const firstHeading = container.querySelector('h2')
    const renders = countBlockRenders(() => {
      act(() => rerender(<MessageContent message={streamingMessage(`${long}Tail grows`)} />))
    })
    expect(renders).toBe(1)
    const afterList = render(<MessageContent message={streamingMessage(`${long}- item\n\nTail`)} />)
    const listRenders = countBlockRenders(() => {
      act(() =>
        afterList.rerender(<MessageContent message={streamingMessage(`${long}- item\n\nTail grows`)} />),
      )
    })
    expect(listRenders).toBe(2)
    afterList.unmount()
    const next = countBlockRenders(() => {
      act(() => rerender(<MessageContent message={streamingMessage(`${long}Tail grows\n\nNew`)} />))
    })
    expect(next).toBeLessThanOrEqual(3)
    expect(container.querySelector('h2')).toBe(firstHeading)
    expect(container.querySelectorAll('h2')).toHaveLength(120)
    expect(container.textContent).toContain('Tail grows')
    // Completion parses the tail once more as finished text; the finished blocks stay.
    const completed = countBlockRenders(() => {
      act(() =>
        rerender(<MessageContent message={streamingMessage(`${long}Tail grows\n\nNew`, 'completed')} />),
      )
    })
    expect(completed).toBeLessThanOrEqual(2)
    expect(container.querySelector('h2')).toBe(firstHeading)
  })

  test('the block text streams into carries data-oai-tail (the caret hook); completion moves nothing else', () => {
    const tails = (root: HTMLElement) => [...root.querySelectorAll('[data-oai-tail]')]
    const { container, rerender } = render(<MessageContent message={streamingMessage(`${long}Tail`)} />)
    const part = container.querySelector('[data-oai-part="text"]')!
    expect(tails(container)).toEqual([part.lastElementChild])
    expect(part.lastElementChild?.textContent).toBe('Tail')
    // A streamed `## ` renders nothing yet: the caret stays on the block before it.
    act(() => rerender(<MessageContent message={streamingMessage(`${long}Tail\n\n## `)} />))
    expect(tails(container)).toEqual([part.lastElementChild])
    expect(part.lastElementChild?.textContent).toBe('Tail')
    act(() => rerender(<MessageContent message={streamingMessage(`${long}Tail\n\n## Head`)} />))
    expect(tails(container).map((element) => element.tagName)).toEqual(['H2'])
    const before = [...part.children]
    const renders = countBlockRenders(() => {
      act(() =>
        rerender(<MessageContent message={streamingMessage(`${long}Tail\n\n## Head`, 'completed')} />),
      )
    })
    expect(tails(container)).toEqual([])
    // The same elements: completing re-rendered only the tail (and the block still open before it).
    expect([...part.children]).toEqual(before)
    expect(renders).toBeLessThanOrEqual(2)
  })

  test('a message twice as long costs a token the same renders', () => {
    const tokenRenders = (doc: string) => {
      const { rerender, unmount } = render(<MessageContent message={streamingMessage(`${doc}Tail`)} />)
      const count = countBlockRenders(() => {
        act(() => rerender(<MessageContent message={streamingMessage(`${doc}Tail more`)} />))
      })
      unmount()
      return count
    }
    expect(tokenRenders(long + long)).toBe(tokenRenders(long))
  })

  // A memoised block still costs React a visit per commit; blocks are grouped in memoised chunks so that a token
  // visits the chunks and the blocks of the open one only.
  test('a token renders one chunk of blocks, even where the tail opens a chunk, whatever the length; the DOM stays flat', () => {
    const tokenChunks = (doc: string) => {
      const { container, rerender, unmount } = render(
        <MessageContent message={streamingMessage(`${doc}Tail`)} />,
      )
      const part = container.querySelector('[data-oai-part="text"]')!
      const first = part.firstElementChild
      const count = countChunkRenders(() => {
        act(() => rerender(<MessageContent message={streamingMessage(`${doc}Tail more`)} />))
      })
      // One element per block, directly in the part: chunks add no wrapper (the theme's `> [data-oai-tail]`).
      const blocks = part.children.length
      expect(part.firstElementChild).toBe(first)
      expect(part.lastElementChild?.textContent).toBe('Tail more')
      unmount()
      return { count, blocks }
    }
    const one = tokenChunks(long)
    const two = tokenChunks(long + long)
    expect(one.blocks).toBe(241)
    expect(two.blocks).toBe(481)
    // The tail's chunk only (the paragraph before it is finished), whichever chunk the tail opens.
    expect(one.count).toBe(1)
    expect(two.count).toBe(1)
    expect(two.blocks % CHUNK_SIZE).toBe(1) // there the tail opens a new chunk: the case that cost two
    expect(Math.ceil(two.blocks / CHUNK_SIZE)).toBeGreaterThan(10)
  })

  test('two panes showing one message parse its tail once between them', () => {
    const message = streamingMessage(`${long}Tail`)
    const step = {
      id: 'step_1',
      object: 'thread.run.step',
      created_at: 1,
      run_id: 'run_1',
      assistant_id: 'asst_1',
      thread_id: 'thread_1',
      type: 'message_creation',
      status: 'in_progress',
      cancelled_at: null,
      completed_at: null,
      expires_at: null,
      failed_at: null,
      last_error: null,
      step_details: { type: 'message_creation', message_creation: { message_id: message.id } },
      usage: null,
      metadata: {},
    } as const
    const view = (value: string) => (
      <>
        <MessageContent message={streamingMessage(value)} />
        <RunStep step={step} message={streamingMessage(value)} />
      </>
    )
    const { container, rerender } = render(view(`${long}Tail`))
    const token = `${long}Tail and more`
    const both = countParseWork(() => act(() => rerender(view(token))))
    const base = parseMarkdownIncremental(undefined, `${long}Tail`, { streaming: true })
    const one = countParseWork(() => parseMarkdownIncremental(base, token, { streaming: true }))
    expect(both).toBe(one)
    expect(one).toBeGreaterThan(0)
    expect(container.querySelectorAll('[data-oai-part="text"]')).toHaveLength(2)
  })
})
