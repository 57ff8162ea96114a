// Page objects (hasNextPage/nextPage, forward with `after`, backward with `before`) and auto-pagination.
import { describe, expect, test, vi } from 'vitest'
import { createClientFromTransport } from './client.ts'
import { OaiRunsError } from './errors.ts'
import { createTransport } from './transport.ts'

type Item = { id: string }

function page(ids: string[], hasMore: boolean, edges: { first_id?: string; last_id?: string } = {}) {
  return new Response(
    JSON.stringify({
      object: 'list',
      data: ids.map((id) => ({ id })),
      first_id: edges.first_id ?? ids[0] ?? null,
      last_id: edges.last_id ?? ids.at(-1) ?? null,
      has_more: hasMore,
    }),
    { headers: { 'content-type': 'application/json' } },
  )
}

function setup(responses: Response[]) {
  const urls: string[] = []
  const fetch = vi.fn(async (url: string | URL | Request) => {
    urls.push(decodeURIComponent(String(url).replace('http://api.test/v1', '')))
    const response = responses.shift()
    if (!response) {
      throw new Error('unexpected fetch')
    }
    return response
  })
  const client = createClientFromTransport(createTransport({ baseURL: 'http://api.test/v1', fetch }))
  return { client, urls }
}

const thread = { threadId: 'thread_1' }

describe('page objects', () => {
  test('a page has the wire fields and pages forward with after = the last item id (not last_id)', async () => {
    const { client, urls } = setup([
      page(['run_3', 'run_2'], true, { last_id: 'bogus' }),
      page(['run_1'], false),
    ])
    const first = await client.runs.list(thread, { limit: 2 })
    expect(first).toMatchObject({ object: 'list', first_id: 'run_3', last_id: 'bogus', has_more: true })
    expect(first.data.map((item) => item.id)).toEqual(['run_3', 'run_2'])
    expect(first.hasNextPage()).toBe(true)
    const second = await first.nextPage()
    expect(second.data.map((item) => item.id)).toEqual(['run_1'])
    expect(second.hasNextPage()).toBe(false)
    await expect(second.nextPage()).rejects.toBeInstanceOf(OaiRunsError)
    expect(urls).toEqual(['/threads/thread_1/runs?limit=2', '/threads/thread_1/runs?limit=2&after=run_2'])
  })

  test('a list started with `before` pages backward with before = the first item id', async () => {
    const { client, urls } = setup([page(['run_5', 'run_4'], true), page(['run_7', 'run_6'], false)])
    const first = await client.runs.list(thread, { before: 'run_3', limit: 2 })
    const second = await first.nextPage()
    expect(second.data.map((item) => item.id)).toEqual(['run_7', 'run_6'])
    expect(urls[1]).toBe('/threads/thread_1/runs?before=run_5&limit=2')
  })

  test('an empty page that claims has_more does not loop', async () => {
    const { client } = setup([page([], true)])
    const first = await client.messages.list(thread)
    expect(first.hasNextPage()).toBe(false)
  })
})

describe('auto-pagination', () => {
  test('for await over the list call walks every item of every page', async () => {
    const { client, urls } = setup([page(['a', 'b'], true), page(['c', 'd'], true), page(['e'], false)])
    const seen: string[] = []
    for await (const step of client.steps.list({ threadId: 'thread_1', runId: 'run_1' }, { order: 'asc' })) {
      seen.push(step.id)
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(urls).toHaveLength(3)
    expect(urls[2]).toContain('after=d')
  })

  test('a page is itself iterable from that page on, and breaking early fetches no more pages', async () => {
    const { client, urls } = setup([page(['a', 'b'], true), page(['c'], true)])
    const first = await client.assistants.list()
    const seen: Item[] = []
    for await (const assistant of first) {
      seen.push(assistant)
      if (assistant.id === 'c') {
        break
      }
    }
    expect(seen.map((item) => item.id)).toEqual(['a', 'b', 'c'])
    expect(urls).toHaveLength(2)
  })
})
