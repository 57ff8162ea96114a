// Model-, file- and server-provided text is isolated wherever it shows inline, so its bidi controls cannot
// reorder the text around it (`invoice‮fdp.exe` followed by "score 0.90" must not swallow the score).
import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, test } from 'vitest'
import { ToolCallView } from '../tool-call-view/ToolCallView.tsx'
import { HOSTILE, HostileRunViewer, notIsolated, textWithBidiControls } from './bidi.tsx'

test('a file search result name is a <bdi> of its own; the score after it is outside', () => {
  const { container } = render(
    <ToolCallView
      toolCall={{
        id: 'c',
        type: 'file_search',
        file_search: { results: [{ file_id: 'f', file_name: HOSTILE, score: 0.9 }] },
      }}
    />,
  )
  const name = container.querySelector('[data-oai-result-name]')!
  expect(name.firstElementChild?.tagName).toBe('BDI')
  expect(name.firstElementChild?.textContent).toBe(HOSTILE)
  expect(container.querySelector('[data-oai-result-score]')?.closest('bdi')).toBeNull()
})

test('every field of a run with hostile names, file names, messages and arguments is isolated', async () => {
  const user = userEvent.setup()
  const { container } = render(<HostileRunViewer />)
  await act(async () => {}) // the arguments' schema check
  const before = textWithBidiControls(container)
  // Link text, file links, a blocked link, remote and blocked image alts, an image file id, a footnote's file
  // name and quote, the model, two errors, step tool names, a tool name, a result name, an image output id,
  // the form's legend, call id, label, arguments and their problems.
  expect(before.length).toBeGreaterThanOrEqual(20)
  expect(before.map(notIsolated).filter(Boolean)).toEqual([])

  // Messages that appear later: a tool that failed, and an empty output.
  await user.click(screen.getByRole('button', { name: 'Run tools' }))
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  const after = textWithBidiControls(container)
  expect(after.length).toBeGreaterThan(before.length)
  expect(after.map(notIsolated).filter(Boolean)).toEqual([])
})

test('metadata keys and values are edited in inputs that take their direction from their text', () => {
  render(<HostileRunViewer />)
  const inputs = [...document.querySelectorAll<HTMLInputElement>('[data-oai-metadata-row] input')]
  expect(inputs.map((input) => input.value)).toEqual([HOSTILE, HOSTILE])
  expect(inputs.map((input) => input.dir)).toEqual(['auto', 'auto'])
})
