import { render, screen, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { ToolCallView } from './ToolCallView.tsx'

test('a function call shows its name, pretty-printed arguments and output', () => {
  render(
    <ToolCallView
      toolCall={{
        id: 'c1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}', output: '{"celsius":18}' },
      }}
    />,
  )
  const group = screen.getByRole('group', { name: 'Function call get_weather' })
  expect(group.getAttribute('data-state')).toBe('completed')
  expect(group.querySelector('[data-oai-arguments]')?.textContent).toBe('{\n  "city": "Paris"\n}')
  expect(within(group).getByText(/"celsius": 18/).textContent).toBe('{\n  "celsius": 18\n}')
})

test('F8: malformed arguments are shown raw with a note', () => {
  const { container } = render(
    <ToolCallView
      toolCall={{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a": tru', output: null } }}
    />,
  )
  expect(container.querySelector('[data-oai-arguments]')?.getAttribute('data-state')).toBe('malformed')
  expect(screen.getByText('{"a": tru')).toBeTruthy()
  expect(screen.getByText(/not valid JSON/)).toBeTruthy()
  expect(screen.getByText('Waiting for output…')).toBeTruthy()
})

test('partial arguments while the step streams are not flagged as malformed', () => {
  const { container } = render(
    <ToolCallView
      state="in_progress"
      toolCall={{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":', output: null } }}
    />,
  )
  expect(container.querySelector('[data-oai-arguments]')?.getAttribute('data-state')).toBe('partial')
  expect(screen.queryByText(/not valid JSON/)).toBeNull()
})

test('code interpreter: highlighted input, logs and image outputs through getFileUrl', () => {
  const { container } = render(
    <ToolCallView
      getFileUrl={(id) => `/files/${id}`}
      toolCall={{
        id: 'c2',
        type: 'code_interpreter',
        code_interpreter: {
          input: 'import math\nprint("hi")  # greet',
          outputs: [
            { type: 'logs', logs: 'hi\n' },
            { type: 'image', image: { file_id: 'file-1' } },
          ],
        },
      }}
    />,
  )
  expect(container.querySelector('[data-token="keyword"]')?.textContent).toBe('import')
  expect(container.querySelector('[data-token="string"]')?.textContent).toBe('"hi"')
  expect(container.querySelector('[data-token="comment"]')?.textContent).toBe('# greet')
  expect(container.querySelector('[data-oai-logs]')?.textContent).toBe('hi\n')
  expect(screen.getByRole('img', { name: 'Code interpreter output file-1' }).getAttribute('src')).toBe(
    '/files/file-1',
  )
})

test('file search: ranking options, results and included content', () => {
  render(
    <ToolCallView
      toolCall={{
        id: 'c3',
        type: 'file_search',
        file_search: {
          ranking_options: { ranker: 'auto', score_threshold: 0.4 },
          results: [
            {
              file_id: 'f1',
              file_name: 'policy.pdf',
              score: 0.912,
              content: [{ type: 'text', text: 'Refunds in 14 days.' }],
            },
          ],
        },
      }}
    />,
  )
  expect(screen.getByText('auto')).toBeTruthy()
  expect(screen.getByText('0.4')).toBeTruthy()
  expect(screen.getByText('policy.pdf')).toBeTruthy()
  expect(screen.getByText('score 0.91')).toBeTruthy()
  expect(screen.getByText('Refunds in 14 days.')).toBeTruthy()
})
