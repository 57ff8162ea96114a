// SSE parse throughput: the same generated stream through the JSON.parse floor, eventsource-parser + JSON.parse,
// our layers (iterateSse, reduceRunEvent, createRunStream) and the openai SDK's runs.stream() with an injected fetch.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type AnyRunStreamEvent,
  createRunStream,
  emptyRunSnapshot,
  iterateSse,
  listEntities,
  reduceRunEvent,
} from '@oai-runs/client'
import OpenAI from 'openai'
// Internal: our line parser alone, for the breakdown rows (the public layer above it is iterateSse).
import { createSseParser } from '../packages/client/src/core/sse'
import { fixtureResponse, generateRunStream, type StreamFixture } from './fixtures'
import { type Figure, formatNumber, interleave, type Summary } from './stats'

// eventsource-parser is a dependency of packages/client only, so it is resolved from there.
type ParserModule = {
  createParser(callbacks: { onEvent(message: { event?: string; data: string }): void }): {
    feed(chunk: string): void
  }
}
async function loadEventSourceParser(): Promise<ParserModule> {
  const clientDir = join(dirname(fileURLToPath(import.meta.url)), '../packages/client/package.json')
  const path = createRequire(clientDir).resolve('eventsource-parser')
  return (await import(pathToFileURL(path).href)) as ParserModule
}

function textOf(message: { content: unknown[] } | undefined): string {
  const part = message?.content[0] as { type?: string; text?: { value?: string } } | undefined
  return part?.type === 'text' ? (part.text?.value ?? '') : ''
}

/** Fails loudly when a path did not fold the whole stream, so no figure can come from a path that skipped work. */
async function validate(fixture: StreamFixture, openai: OpenAI): Promise<void> {
  let warnings = 0
  const stream = createRunStream(fixtureResponse(fixture), { onWarning: () => warnings++ })
  const snapshot = await stream.finalSnapshot()
  const ours = new Map(listEntities(snapshot.messages).map((message) => [message.id, textOf(message)]))
  const sdkStream = openai.beta.threads.runs.stream('thread_bench0001', { assistant_id: 'asst_bench0001' })
  const sdkMessages = await sdkStream.finalMessages()
  const theirs = new Map(sdkMessages.map((message) => [message.id, textOf(message)]))
  for (const [id, text] of fixture.messages) {
    if (ours.get(id) !== text) {
      throw new Error(
        `createRunStream folded message ${id} wrong (${ours.get(id)?.length} vs ${text.length} chars)`,
      )
    }
    if (theirs.get(id) !== text) {
      throw new Error(`the openai SDK folded message ${id} wrong`)
    }
  }
  if (snapshot.status !== 'done' || warnings > 0) {
    throw new Error(`createRunStream ended ${snapshot.status} with ${warnings} warnings`)
  }
}

export async function benchParse(options: { rounds: number; sdkRounds: number; eventCount: number }) {
  const fixture = generateRunStream({ eventCount: options.eventCount })
  const eventCount = fixture.payloads.length
  const { createParser } = await loadEventSourceParser()
  const openai = new OpenAI({
    apiKey: 'sk-bench',
    baseURL: 'http://bench.invalid/v1',
    maxRetries: 0,
    fetch: async () => fixtureResponse(fixture),
  })
  await validate(fixture, openai)

  let sink = 0
  const cases = {
    floor: {
      run() {
        for (const payload of fixture.payloads) {
          if (payload !== '[DONE]') {
            sink += JSON.parse(payload) === null ? 1 : 0
          }
        }
      },
    },
    eventsourceParser: {
      run() {
        const decoder = new TextDecoder()
        const parser = createParser({
          onEvent(message) {
            if (message.data !== '[DONE]') {
              sink += JSON.parse(message.data) === null ? 1 : 0
            }
          },
        })
        for (const chunk of fixture.chunks) {
          parser.feed(decoder.decode(chunk, { stream: true }))
        }
        parser.feed(decoder.decode())
      },
    },
    // What any reader of a Response pays before parsing (breakdown): reading the body's chunks, decoding them.
    bodyReads: {
      async run() {
        const reader = fixtureResponse(fixture).body!.getReader()
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          sink += chunk.value.byteLength
        }
      },
    },
    textDecoder: {
      run() {
        const decoder = new TextDecoder()
        for (const chunk of fixture.chunks) {
          sink += decoder.decode(chunk, { stream: true }).length
        }
      },
    },
    // Our line parser in eventsource-parser's place, synchronous over the chunks (breakdown).
    ourParser: {
      run() {
        const decoder = new TextDecoder()
        const parser = createSseParser(Number.POSITIVE_INFINITY, (_event, data) => {
          if (data !== '[DONE]') {
            sink += JSON.parse(data) === null ? 1 : 0
          }
        })
        for (const chunk of fixture.chunks) {
          parser.feed(decoder.decode(chunk, { stream: true }))
        }
        parser.feed(decoder.decode())
      },
    },
    iterateSse: {
      async run() {
        for await (const message of iterateSse(fixtureResponse(fixture))) {
          if (message.data !== '[DONE]') {
            sink += JSON.parse(message.data) === null ? 1 : 0
          }
        }
      },
    },
    reducer: {
      run() {
        let snapshot = emptyRunSnapshot()
        for (const event of fixture.events) {
          snapshot = reduceRunEvent(snapshot, event as AnyRunStreamEvent)
        }
        sink += snapshot.messages.ids.length
      },
    },
    // Our two layers composed by hand: what createRunStream costs on top of them is its wrapper.
    handComposed: {
      async run() {
        let snapshot = emptyRunSnapshot()
        for await (const message of iterateSse(fixtureResponse(fixture))) {
          const event = (
            message.data === '[DONE]'
              ? { event: 'done', data: '[DONE]' }
              : { event: message.event, data: JSON.parse(message.data) }
          ) as AnyRunStreamEvent
          snapshot = reduceRunEvent(snapshot, event)
        }
        sink += snapshot.messages.ids.length
      },
    },
    createRunStream: {
      async run() {
        const stream = createRunStream(fixtureResponse(fixture))
        for await (const _event of stream) {
          sink++
        }
      },
    },
    // The whole path to a final snapshot, as finalRun() takes it: no promise per event.
    createRunStreamFinal: {
      async run() {
        const snapshot = await createRunStream(fixtureResponse(fixture)).finalSnapshot()
        sink += snapshot.messages.ids.length
      },
    },
    sdkFinalRun: {
      reps: options.sdkRounds,
      async run() {
        await openai.beta.threads.runs
          .stream('thread_bench0001', { assistant_id: 'asst_bench0001' })
          .finalRun()
      },
    },
    sdkForAwait: {
      reps: options.sdkRounds,
      async run() {
        const stream = openai.beta.threads.runs.stream('thread_bench0001', { assistant_id: 'asst_bench0001' })
        for await (const _event of stream) {
          sink++
        }
      },
    },
  }
  const summaries = await interleave(options.rounds, cases)
  if (sink === -1) {
    console.log('unreachable')
  }

  const rate = (summary: Summary) => eventCount / (summary.median / 1000)
  const detail = (summary: Summary) =>
    `median ${summary.median.toFixed(0)} ms, min ${summary.min.toFixed(0)} ms, n=${summary.samples.length}`
  const floor = summaries.floor
  const breakdown = new Set([
    'bodyReads',
    'textDecoder',
    'ourParser',
    'iterateSse',
    'reducer',
    'handComposed',
  ])
  const names: Record<keyof typeof cases, string> = {
    floor: 'JSON.parse alone (floor)',
    eventsourceParser: 'eventsource-parser + JSON.parse',
    bodyReads: 'platform: reading the body (ReadableStream reads)',
    textDecoder: 'platform: TextDecoder alone',
    ourParser: 'ours: our line parser + JSON.parse (sync)',
    iterateSse: 'ours: iterateSse + JSON.parse (for await)',
    reducer: 'ours: reduceRunEvent alone (parsed events)',
    handComposed: 'ours: iterateSse + JSON.parse + reduceRunEvent',
    createRunStream: 'ours: createRunStream, for await (parse+fold)',
    createRunStreamFinal: 'ours: createRunStream → finalSnapshot() (parse+fold)',
    sdkFinalRun: 'openai runs.stream() → finalRun()',
    sdkForAwait: 'openai runs.stream(), for await',
  }
  const figures: Figure[] = []
  for (const key of Object.keys(cases) as (keyof typeof cases)[]) {
    const summary = summaries[key]
    figures.push({
      section: 'parse',
      name: names[key],
      value: rate(summary),
      unit: 'ev/s',
      detail: detail(summary),
      ratio: { value: summary.median / floor.median, label: 'floor time' },
      breakdown: breakdown.has(key),
    })
  }
  // The issue's full path: our parser + reduceRunEvent to a final snapshot (finalSnapshot(), what finalRun() runs).
  const ours = summaries.createRunStreamFinal.median
  const oursForAwait = summaries.createRunStream.median
  figures.push(
    {
      section: 'parse',
      name: 'ours (createRunStream → finalSnapshot()) vs floor',
      value: rate(summaries.createRunStreamFinal),
      unit: 'ev/s',
      target: { text: 'within 2× of the floor', met: ours / floor.median <= 2 },
      ratio: { value: ours / floor.median, label: 'floor time' },
    },
    {
      // Like for like: both consumed to the end without looking at each event.
      section: 'parse',
      name: 'ours finalSnapshot() vs openai runs.stream() → finalRun()',
      value: rate(summaries.createRunStreamFinal),
      unit: 'ev/s',
      target: { text: '≥ 5× faster than the SDK', met: summaries.sdkFinalRun.median / ours >= 5 },
      ratio: { value: summaries.sdkFinalRun.median / ours, label: 'faster than the SDK' },
    },
    {
      // Like for like: both consumed event by event with for await.
      section: 'parse',
      name: 'ours vs openai runs.stream(), for await',
      value: rate(summaries.createRunStream),
      unit: 'ev/s',
      target: { text: '≥ 5× faster than the SDK', met: summaries.sdkForAwait.median / oursForAwait >= 5 },
      ratio: { value: summaries.sdkForAwait.median / oursForAwait, label: 'faster than the SDK' },
    },
  )
  const megabytes = (fixture.bytes / 1e6).toFixed(1)
  const note = `parse: ${formatNumber(eventCount)} events, ${megabytes} MB in ${fixture.chunks.length} chunks of 1–4 KiB; ${Object.entries(
    fixture.counts,
  )
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ')}`
  return { figures, note }
}
