// What it is: the bench's generated Markdown reply (deterministic: headings, paragraphs with emphasis, links and
// inline code, lists, code fences, tables, quotes), its ~4-character tokens, and the RunModel that streams them.
import type { ModelOutput, RunModel } from '@oai-runs/server'

/** mulberry32: a tiny deterministic PRNG, so every machine streams the same reply. */
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

const WORDS = (
  'stream run step message token delta render frame commit parse block inline table list fence heading ' +
  'quote link emphasis strong code buffer snapshot reducer cache query hook server client event thread ' +
  'assistant tool output latency budget cost layout paint script worker signal abort retry poll cursor'
).split(' ')

/** The last paragraph of every reply: a case is done when its page shows it. */
export const REPLY_SENTINEL = 'End of the bench reply.'

function sentence(random: () => number, words: number): string {
  const out: string[] = []
  for (let index = 0; index < words; index++) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!
    const roll = random()
    if (roll < 0.05) {
      out.push(`**${word}**`)
    } else if (roll < 0.1) {
      out.push(`*${word}*`)
    } else if (roll < 0.14) {
      out.push(`\`${word}()\``)
    } else if (roll < 0.17) {
      out.push(`[${word}](https://example.com/docs/${word})`)
    } else {
      out.push(word)
    }
  }
  const text = out.join(' ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

function paragraph(random: () => number): string {
  const count = 2 + Math.floor(random() * 4)
  return Array.from({ length: count }, () => sentence(random, 6 + Math.floor(random() * 12))).join(' ')
}

function block(random: () => number, index: number): string {
  const kind = index % 8
  if (kind === 0) {
    return `## ${sentence(random, 3 + Math.floor(random() * 3)).slice(0, -1)} ${index}`
  }
  if (kind === 3) {
    const items = 3 + Math.floor(random() * 4)
    return Array.from({ length: items }, (_, item) =>
      random() < 0.5 ? `- ${sentence(random, 5 + item)}` : `${item + 1}. ${sentence(random, 4 + item)}`,
    ).join('\n')
  }
  if (kind === 5) {
    const lines = 4 + Math.floor(random() * 8)
    const body = Array.from(
      { length: lines },
      (_, line) =>
        `  const ${WORDS[line % WORDS.length]}${line} = await run.${WORDS[(line * 7) % WORDS.length]}(${line})`,
    )
    return ['```ts', `async function step${index}(run) {`, ...body, '}', '```'].join('\n')
  }
  if (kind === 6) {
    const rows = 3 + Math.floor(random() * 5)
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`
    return [
      row(['case', 'events', 'p95 ms', 'note']),
      row(['---', '---:', '---:', '---']),
      ...Array.from({ length: rows }, (_, r) =>
        row([
          `\`${WORDS[(index + r) % WORDS.length]}\``,
          String(100 * (r + 1)),
          (random() * 40).toFixed(1),
          sentence(random, 3),
        ]),
      ),
    ].join('\n')
  }
  if (kind === 7 && random() < 0.5) {
    return `> ${sentence(random, 10)}\n> ${sentence(random, 8)}`
  }
  return paragraph(random)
}

/** A Markdown reply of at least `bytes` characters (same seed, same text), ending with `REPLY_SENTINEL`. */
export function generateReply(bytes: number, seed = 42): string {
  const random = prng(seed)
  const blocks: string[] = []
  let length = 0
  for (let index = 0; length < bytes; index++) {
    const next = block(random, index)
    blocks.push(next)
    length += next.length + 2
  }
  blocks.push(REPLY_SENTINEL)
  return `${blocks.join('\n\n')}\n`
}

/** Cuts text into tokens of 3–5 characters (~4 on average), anywhere, as a model's tokens fall. */
export function tokenizeReply(text: string, seed = 7): string[] {
  const random = prng(seed)
  const tokens: string[] = []
  for (let at = 0; at < text.length; ) {
    const size = 3 + Math.floor(random() * 3)
    tokens.push(text.slice(at, at + size))
    at += size
  }
  return tokens
}

// A task hop (a MessageChannel message, as a network chunk arrives in its own task). Timers set in a timer's own
// task nest, and Chromium clamps nested timers to 4 ms after five levels: without the hop, a per-token timer would
// pace the stream at a quarter of the asked rate.
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}

/**
 * A RunModel that streams these tokens as text outputs, whatever the thread says, on a wall-clock schedule: token
 * i is due `msPerToken × i` after the first. Ahead of it, the model waits; behind it (the page was busy), it yields
 * at once, as a socket's queued chunks arrive together after a long task. So the rate is the asked one whenever the
 * page keeps up, and every case streams the same tokens at the same pace. Use it with the server's tokenDelayMs 0.
 */
export function replyModel(tokens: readonly string[], msPerToken: number): RunModel {
  return async function* bench(): AsyncGenerator<ModelOutput> {
    const start = performance.now()
    for (let index = 0; index < tokens.length; index++) {
      await nextTask()
      const wait = start + index * msPerToken - performance.now()
      if (wait >= 0.5) {
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
      yield { type: 'text', text: tokens[index]! }
    }
  }
}
