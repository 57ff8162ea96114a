import type { Message, RunStep as RunStepObject } from '@oai-runs/client'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { expect, test, vi } from 'vitest'
import { message, step, T0 } from '../test/fixtures.ts'
import { wholeText } from '../test/text.ts'
import { RunStepList } from './RunStepList.tsx'

// A message citing one file: its footnotes ask `getFileName` once per render, which counts the renders.
function cited(id: string, text: string, fileId = `file-${id}`): Message {
  const base = message(id, `${text}【0†source】`)
  const part = base.content[0] as Extract<Message['content'][number], { type: 'text' }>
  part.text.annotations = [
    {
      type: 'file_citation',
      text: '【0†source】',
      start_index: text.length,
      end_index: text.length + '【0†source】'.length,
      file_citation: { file_id: fileId },
    },
  ]
  return base
}

test('lists steps in creation order with status, tool calls and created messages', () => {
  const steps = [
    step('b', T0 + 5, {
      type: 'message_creation',
      step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
    }),
    step('a', T0 + 2),
  ]
  render(<RunStepList steps={steps} messages={[message('msg_1', 'Hello **there**')]} />)
  const items = within(screen.getByRole('list', { name: 'Run steps' })).getAllByRole('listitem')
  expect(items).toHaveLength(2)
  expect(items[0]!.textContent).toContain('Tool calls: fn_a')
  expect(items[1]!.textContent).toContain('Hello there')
  expect(items[0]!.getAttribute('data-state')).toBe('completed')
})

test('contentOptions reach every created message and tool-call image unchanged', () => {
  const withImage = step('a', T0 + 2, {
    step_details: {
      type: 'tool_calls',
      tool_calls: [
        {
          id: 'call_ci',
          type: 'code_interpreter',
          code_interpreter: {
            input: 'plot()',
            outputs: [{ type: 'image', image: { file_id: 'file-plot' } }],
          },
        },
      ],
    },
  })
  const created = step('b', T0 + 5, {
    type: 'message_creation',
    step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
  })
  const contentOptions = {
    getFileUrl: (id: string) => `/files/${id}`,
    linkTarget: '_blank',
    headingOffset: 2,
  }
  const { container } = render(
    <RunStepList
      steps={[withImage, created]}
      messages={[message('msg_1', '# Answer\n\nSee [docs](https://example.com).')]}
      contentOptions={contentOptions}
    />,
  )
  expect(screen.getByRole('img', { name: 'Code interpreter output file-plot' }).getAttribute('src')).toBe(
    '/files/file-plot',
  )
  expect(screen.getByRole('link', { name: 'docs' }).getAttribute('target')).toBe('_blank')
  expect(screen.getByRole('heading', { name: 'Answer' }).tagName).toBe('H3')
  // The options are props, not attributes.
  expect(container.querySelector('[contentoptions], [linktarget], [headingoffset]')).toBeNull()
})

test('shows an empty state', () => {
  render(<RunStepList steps={[]} />)
  expect(screen.getByText('No steps yet.')).toBeTruthy()
})

test('a failed step shows its last_error', () => {
  render(
    <RunStepList
      steps={[step('x', T0, { status: 'failed', last_error: { code: 'server_error', message: 'Boom' } })]}
    />,
  )
  expect(screen.getByText(wholeText('Boom (server_error)'))).toBeTruthy()
})

function Paged({ all, onLoad }: { all: RunStepObject[]; onLoad: () => void }) {
  const [count, setCount] = useState(2)
  return (
    <RunStepList
      steps={all.slice(0, count)}
      hasMore={count < all.length}
      onLoadMore={() => {
        onLoad()
        setCount((value) => value + 2)
      }}
    />
  )
}

test('load more pages in and moves focus to the first new step', async () => {
  const user = userEvent.setup()
  const all = Array.from({ length: 5 }, (_, index) => step(`s${index}`, T0 + index))
  const onLoad = vi.fn()
  render(<Paged all={all} onLoad={onLoad} />)
  await user.click(screen.getByRole('button', { name: 'Load more steps' }))
  expect(onLoad).toHaveBeenCalledTimes(1)
  const items = screen.getAllByRole('listitem').filter((item) => item.hasAttribute('data-oai-step'))
  expect(items).toHaveLength(4)
  expect(document.activeElement).toBe(items[2])
})

test('the load-more button stays focusable but inert while loading', async () => {
  const user = userEvent.setup()
  const onLoad = vi.fn()
  render(<RunStepList steps={[step('a', T0)]} hasMore isLoading onLoadMore={onLoad} />)
  const button = screen.getByRole('button', { name: 'Loading more steps…' })
  expect(button.getAttribute('aria-disabled')).toBe('true')
  await user.click(button)
  expect(onLoad).not.toHaveBeenCalled()
})

test('long runs: while one message streams, the other steps and messages are not rendered again', () => {
  // Each message cites a file, so its footnotes ask `getFileName` once per render: a count of renders per message.
  const steps = Array.from({ length: 100 }, (_, index) =>
    step(`s${index}`, T0 + index, {
      type: 'message_creation',
      step_details: { type: 'message_creation', message_creation: { message_id: `msg_${index}` } },
    }),
  )
  const messages = steps.map((_, index) => cited(`msg_${index}`, `Answer ${index}.`))
  const getFileName = vi.fn((fileId: string) => `${fileId}.pdf`)
  const contentOptions = { getFileName }
  const { rerender } = render(
    <RunStepList steps={steps} messages={messages} contentOptions={contentOptions} />,
  )
  expect(new Set(getFileName.mock.calls.map(([fileId]) => fileId)).size).toBe(100)

  // One more delta on the last message, as the reducer makes it: a new object for it, the others kept as they were.
  getFileName.mockClear()
  const next = [...messages]
  next[99] = cited('msg_99', 'Answer 99, streaming on.')
  rerender(<RunStepList steps={steps} messages={next} contentOptions={contentOptions} />)
  expect(screen.getByText(/Answer 99, streaming on\./)).toBeTruthy()
  expect(getFileName.mock.calls.map(([fileId]) => fileId)).toEqual(['file-msg_99'])
})

test('messageDisplay="preview": a closed first line, the content rendered only once opened', async () => {
  const user = userEvent.setup()
  const created = step('m', T0 + 1, {
    type: 'message_creation',
    step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
  })
  const long = `First   **line**\n\n${'word '.repeat(60)}`
  const getFileName = vi.fn((fileId: string) => `${fileId}.pdf`)
  const { container, rerender } = render(
    <RunStepList
      steps={[created]}
      messages={[cited('msg_1', long, 'file-1')]}
      contentOptions={{ getFileName }}
      messageDisplay="preview"
    />,
  )
  const details = container.querySelector('details[data-oai-step-message]') as HTMLDetailsElement
  expect(details.open).toBe(false)
  expect(details.getAttribute('data-state')).toBe('closed')
  // The first line: whitespace collapsed, the Markdown as typed, cut at 160 characters, bidi-isolated.
  const preview = details.querySelector('summary bdi')!.textContent!
  expect(preview.startsWith('First **line** word word')).toBe(true)
  expect(preview).toHaveLength(160)
  expect(preview.endsWith('…')).toBe(true)
  // Closed, the content is not rendered: no Markdown elements and no citation lookups, even as the message grows.
  expect(container.querySelector('strong')).toBeNull()
  rerender(
    <RunStepList
      steps={[created]}
      messages={[cited('msg_1', `${long} more`, 'file-1')]}
      contentOptions={{ getFileName }}
      messageDisplay="preview"
    />,
  )
  expect(getFileName).not.toHaveBeenCalled()

  await user.click(details.querySelector('summary')!)
  expect(details.open).toBe(true)
  expect(details.getAttribute('data-state')).toBe('open')
  expect(details.querySelector('strong')?.textContent).toBe('line')
  expect(getFileName).toHaveBeenCalledWith('file-1')
})

test('messageDisplay="preview": a message with no text yet says so', () => {
  const created = step('m', T0 + 1, {
    type: 'message_creation',
    step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
  })
  render(<RunStepList steps={[created]} messages={[message('msg_1', '')]} messageDisplay="preview" />)
  expect(screen.getByText('No text yet').closest('summary')).toBeTruthy()
})
