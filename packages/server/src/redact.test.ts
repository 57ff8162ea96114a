// Literal redaction of secrets, also when a streamed body splits one across chunks.
import { expect, test } from 'vitest'
import { createRedactor } from './redact.ts'

function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function streamed(redactor: ReturnType<typeof createRedactor>, chunks: Uint8Array[]) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(chunk)
      }
      controller.close()
    },
  })
  return new Response(redactor.stream(body)).text()
}

test('secrets of any shape are masked in text: as they are, JSON-escaped and URL-encoded', () => {
  const redactor = createRedactor(['0123456789abcdef0123456789abcdef', 'k"e\\y/+=', undefined, ''])
  expect(redactor.text('key 0123456789abcdef0123456789abcdef!')).toBe('key ***!')
  expect(redactor.text(JSON.stringify({ echoed: 'k"e\\y/+=' }))).toBe('{"echoed":"***"}')
  expect(redactor.text(`?key=${encodeURIComponent('k"e\\y/+=')}`)).toBe('?key=***')
  expect(redactor.text('nothing secret here')).toBe('nothing secret here')
})

test('streams: secrets split at any byte are masked, every other byte passes unchanged, lines are not held', async () => {
  const secrets = ['0123456789abcdef0123456789abcdef', 'sk-proj-AbC', 'AbCdE']
  const redactor = createRedactor(secrets)
  const next = random(7)
  const pieces = [
    'data: ',
    '\n\n',
    'é😀',
    '0123456789abcdef',
    'sk-proj-',
    'AbC',
    'AbCd',
    'E',
    ' ',
    ...secrets,
  ]
  const encoder = new TextEncoder()
  for (let round = 0; round < 500; round++) {
    let text = ''
    for (let count = Math.floor(next() * 40); count > 0; count--) {
      text += pieces[Math.floor(next() * pieces.length)]
    }
    const bytes = encoder.encode(text)
    const cuts = [...new Set(Array.from({ length: 6 }, () => Math.floor(next() * (bytes.length + 1))))].sort(
      (a, b) => a - b,
    )
    const chunks: Uint8Array[] = []
    let start = 0
    for (const cut of [...cuts, bytes.length]) {
      chunks.push(bytes.slice(start, cut))
      start = cut
    }
    expect(await streamed(redactor, chunks), JSON.stringify(text)).toBe(redactor.text(text))
  }
  // A chunk that ends a line goes out whole, with nothing held back for the next one.
  const held: string[] = []
  const writer = new TransformStream<Uint8Array, Uint8Array>()
  const reader = redactor.stream(writer.readable).getReader()
  const write = writer.writable.getWriter()
  void write.write(encoder.encode('data: {"a":1}\n\n'))
  held.push(new TextDecoder().decode((await reader.read()).value))
  expect(held).toEqual(['data: {"a":1}\n\n'])
})
