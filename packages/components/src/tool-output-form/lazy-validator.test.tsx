// The validator is a separate module, imported only once a schema is checked: a fresh module graph per test.
import type { RunToolCall } from '@oai-runs/client'
import { act, render, screen, waitFor } from '@testing-library/react'
import { afterEach, expect, test, vi } from 'vitest'

const call: RunToolCall = {
  id: 'call_report',
  type: 'function',
  function: { name: 'make_report', arguments: '{"title":"Q3"}' },
}

async function freshForm(onImport: () => void) {
  vi.resetModules()
  vi.doMock('@cfworker/json-schema', async () => {
    onImport()
    return await vi.importActual<typeof import('@cfworker/json-schema')>('@cfworker/json-schema')
  })
  return (await import('./ToolOutputForm.tsx')).ToolOutputForm
}

const submitForm = () => (screen.getByRole('form') as HTMLFormElement).requestSubmit()

afterEach(() => {
  vi.doUnmock('@cfworker/json-schema')
})

test('a form without schemas never imports the validator; the first schema check does', async () => {
  const onImport = vi.fn()
  const ToolOutputForm = await freshForm(onImport)
  const onSubmit = vi.fn()
  const { unmount } = render(
    <ToolOutputForm toolCalls={[call]} defaultValue={{ call_report: '{}' }} onSubmit={onSubmit} />,
  )
  await act(async () => submitForm())
  expect(onSubmit).toHaveBeenCalledTimes(1)
  expect(onImport).not.toHaveBeenCalled()
  unmount()

  render(
    <ToolOutputForm
      toolCalls={[call]}
      outputSchemas={{ make_report: { type: 'object', required: ['pages'] } }}
      defaultValue={{ call_report: '{}' }}
      onSubmit={onSubmit}
    />,
  )
  await act(async () => submitForm())
  await waitFor(() => expect(screen.getByRole('textbox').getAttribute('aria-invalid')).toBe('true'))
  expect(onImport).toHaveBeenCalledTimes(1)
  expect(onSubmit).toHaveBeenCalledTimes(1)
})

test('submits while the validator loads send nothing more than one request', async () => {
  const ToolOutputForm = await freshForm(() => {})
  const onSubmit = vi.fn()
  render(
    <ToolOutputForm
      toolCalls={[call]}
      outputSchemas={{ make_report: { type: 'object' } }}
      defaultValue={{ call_report: '{}' }}
      onSubmit={onSubmit}
    />,
  )
  const form = screen.getByRole('form') as HTMLFormElement
  await act(async () => {
    form.requestSubmit()
    form.requestSubmit()
    form.requestSubmit()
  })
  await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1))
  await act(async () => {})
  expect(onSubmit).toHaveBeenCalledTimes(1)
})

test('a validator that fails to load fails closed: the output is not submitted', async () => {
  vi.resetModules()
  vi.doMock('@cfworker/json-schema', () => {
    throw new Error('chunk failed')
  })
  const { ToolOutputForm } = await import('./ToolOutputForm.tsx')
  const onSubmit = vi.fn()
  render(
    <ToolOutputForm
      toolCalls={[call]}
      outputSchemas={{ make_report: { type: 'object' } }}
      defaultValue={{ call_report: '{}' }}
      onSubmit={onSubmit}
    />,
  )
  await act(async () => submitForm())
  await waitFor(() => expect(screen.getByRole('textbox').getAttribute('aria-invalid')).toBe('true'))
  expect(document.querySelector('[data-oai-field-error]')?.textContent).toMatch(
    /^Does not match the output schema: value cannot be checked: the validator did not load/,
  )
  expect(onSubmit).not.toHaveBeenCalled()
})
