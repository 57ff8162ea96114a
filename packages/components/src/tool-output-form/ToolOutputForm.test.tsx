import type { AssistantTool, RunToolCall, ToolOutput } from '@oai-runs/client'
import { ToolOutputsMismatchError } from '@oai-runs/client'
import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { expect, test, vi } from 'vitest'
import { wholeText } from '../test/text.ts'
import { ToolOutputForm, type ToolOutputValues } from './ToolOutputForm.tsx'

const weather: RunToolCall = {
  id: 'call_weather',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
}
const time: RunToolCall = {
  id: 'call_time',
  type: 'function',
  function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
}
const tools: AssistantTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
]

function deferred() {
  let resolve!: (value?: unknown) => void
  let reject!: (error: unknown) => void
  const promise = new Promise((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

test('F1: lists every call with its parsed arguments and submits all outputs in one request', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn<(outputs: ToolOutput[]) => void>()
  render(<ToolOutputForm toolCalls={[weather, time]} tools={tools} onSubmit={onSubmit} />)
  expect(screen.getAllByRole('group')).toHaveLength(2)
  expect(screen.getByText(/"city": "Paris"/)).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Submit 2 outputs' }))
  expect(onSubmit).not.toHaveBeenCalled()
  expect(screen.getByRole('textbox', { name: /Output of get_weather/ })).toBe(document.activeElement)
  expect(screen.getByText(wholeText('Enter the output of get_weather.'))).toBeTruthy()

  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), '18°C')
  await user.type(screen.getByRole('textbox', { name: /Output of get_time/ }), '14:00')
  await user.click(screen.getByRole('button', { name: 'Submit 2 outputs' }))
  expect(onSubmit).toHaveBeenCalledTimes(1)
  expect(onSubmit).toHaveBeenCalledWith([
    { tool_call_id: 'call_weather', output: '18°C' },
    { tool_call_id: 'call_time', output: '14:00' },
  ])
})

test('F3: double clicks and Enter spam send exactly one request', async () => {
  const user = userEvent.setup()
  const pending = deferred()
  const onSubmit = vi.fn(() => pending.promise)
  render(
    <ToolOutputForm toolCalls={[weather]} defaultValue={{ call_weather: 'sunny' }} onSubmit={onSubmit} />,
  )
  const button = screen.getByRole('button', { name: 'Submit output' })
  await user.dblClick(button)
  button.focus()
  await user.keyboard('{Enter}{Enter}{Enter}')
  await user.click(button)
  expect(onSubmit).toHaveBeenCalledTimes(1)
  expect(button.getAttribute('aria-disabled')).toBe('true')
  await act(async () => pending.resolve())
  expect(screen.getByRole('button', { name: 'Submitted' })).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Submitted' }))
  expect(onSubmit).toHaveBeenCalledTimes(1)
})

test('F2: "Expected tool outputs for call_ids …" lands on the field, values kept, focus on the notice', async () => {
  const user = userEvent.setup()
  const error = new ToolOutputsMismatchError({
    status: 400,
    error: { message: "Expected tool outputs for call_ids ['call_other'], got ['call_weather']" },
    expected: ['call_other'],
    received: ['call_weather'],
  })
  const onSubmit = vi.fn().mockRejectedValue(error)
  render(
    <ToolOutputForm toolCalls={[weather]} defaultValue={{ call_weather: 'sunny' }} onSubmit={onSubmit} />,
  )
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  const input = screen.getByRole('textbox', { name: /Output of get_weather/ })
  expect((input as HTMLTextAreaElement).value).toBe('sunny')
  expect(input.getAttribute('aria-invalid')).toBe('true')
  expect(input.getAttribute('aria-describedby')).toBeTruthy()
  expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toContain(
    'Expected tool outputs for call_ids',
  )
  await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('alert')))
  expect(screen.getByRole('alert').textContent).toContain('reload the run')
  // A corrected retry is allowed.
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(onSubmit).toHaveBeenCalledTimes(2)
})

test('F2: a generic failure keeps the values and allows a retry', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn().mockRejectedValueOnce(new Error('Network down')).mockResolvedValueOnce(undefined)
  render(<ToolOutputForm toolCalls={[weather]} onSubmit={onSubmit} />)
  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), 'rain')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(screen.getByRole('alert').textContent).toContain('Network down')
  expect((screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement).value).toBe(
    'rain',
  )
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(onSubmit).toHaveBeenCalledTimes(2)
  expect(screen.getByRole('button', { name: 'Submitted' })).toBeTruthy()
})

test('F4: counts down from expires_at and expires keeping the values read-only for copying', async () => {
  let clock = 1_000_000_000
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  try {
    const onSubmit = vi.fn()
    render(
      <ToolOutputForm
        toolCalls={[weather]}
        expiresAt={1_000_000 + 62}
        defaultValue={{ call_weather: 'keep me' }}
        onSubmit={onSubmit}
        onRestart={() => {}}
        now={() => clock}
      />,
    )
    expect(screen.getByRole('timer').textContent).toBe('Expires in 1:02')
    clock += 3000
    await act(async () => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('timer').textContent).toBe('Expires in 0:59')
    expect(screen.getByRole('status').textContent).toContain('Less than a minute left')
    clock += 60_000
    await act(async () => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('timer').textContent).toBe('Expired')
    const input = screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement
    expect(input.readOnly).toBe(true)
    expect(input.value).toBe('keep me')
    expect(screen.getByRole('alert').textContent).toContain('expired')
    expect(screen.getByRole('button', { name: 'Copy outputs' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Start a new run' })).toBeTruthy()
    screen.getByRole('button', { name: 'Submit output' }).click()
    expect(onSubmit).not.toHaveBeenCalled()
  } finally {
    vi.useRealTimers()
  }
})

test('F4: a RunExpiredError from the server switches to the expired state with values kept', async () => {
  const user = userEvent.setup()
  const error = Object.assign(new Error('Runs in status "expired" do not accept tool outputs.'), {
    name: 'RunExpiredError',
  })
  render(
    <ToolOutputForm
      toolCalls={[weather]}
      defaultValue={{ call_weather: 'late' }}
      onSubmit={() => Promise.reject(error)}
    />,
  )
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(screen.getByRole('form').getAttribute('data-state')).toBe('expired')
  expect((screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement).value).toBe(
    'late',
  )
})

test('F5: a run cancelled elsewhere closes the form with a notice; values kept', () => {
  render(
    <ToolOutputForm
      toolCalls={[weather]}
      runStatus="cancelled"
      defaultValue={{ call_weather: 'x' }}
      onSubmit={vi.fn()}
    />,
  )
  expect(screen.getByRole('form').getAttribute('data-state')).toBe('closed')
  expect(screen.getByRole('status').textContent).toContain('no longer waits')
  expect(
    (screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement).readOnly,
  ).toBe(true)
})

test('F8: malformed arguments are shown raw and the form stays usable', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn()
  const broken: RunToolCall = {
    id: 'call_bad',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city": Par' },
  }
  render(<ToolOutputForm toolCalls={[broken]} tools={tools} onSubmit={onSubmit} />)
  expect(screen.getByText('{"city": Par')).toBeTruthy()
  expect(screen.getByText(/not valid JSON/)).toBeTruthy()
  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), 'ok')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(onSubmit).toHaveBeenCalledTimes(1)
})

test('arguments are checked against the function JSON-schema parameters', async () => {
  const wrong: RunToolCall = {
    id: 'call_w',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"town":"Paris"}' },
  }
  const { container } = render(<ToolOutputForm toolCalls={[wrong]} tools={tools} onSubmit={vi.fn()} />)
  await vi.waitFor(() =>
    expect(container.querySelector('[data-oai-arguments]')?.getAttribute('data-state')).toBe('invalid'),
  )
  expect(container.querySelector('[data-oai-arguments] [data-oai-note]')?.textContent).toBe(
    'The arguments do not match the parameters of get_weather: city is required.',
  )
})

test('arguments that match their parameters are marked valid once checked', async () => {
  const { container } = render(<ToolOutputForm toolCalls={[weather]} tools={tools} onSubmit={vi.fn()} />)
  await vi.waitFor(() =>
    expect(container.querySelector('[data-oai-arguments]')?.getAttribute('data-state')).toBe('valid'),
  )
  expect(screen.queryByText(/do not match the parameters/)).toBeNull()
})

const reportSchema = {
  type: 'object',
  properties: {
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    amount: { type: 'number', exclusiveMinimum: 0 },
    lines: { type: 'array', minItems: 1, items: { $ref: '#/$defs/line' } },
    contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] },
  },
  required: ['currency', 'amount', 'lines'],
  $defs: { line: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
}

test('JSON mode checks the output against its schema: every problem at its path, then a valid value submits', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn()
  render(
    <ToolOutputForm
      toolCalls={[weather]}
      outputSchemas={{ get_weather: reportSchema }}
      defaultValue={{
        call_weather: JSON.stringify({ currency: 'eur', amount: 0, lines: [{}], contact: 'nobody' }),
      }}
      onSubmit={onSubmit}
    />,
  )
  const input = screen.getByRole('textbox', { name: /Output of get_weather/ })
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  const error = await screen.findByText(/Does not match the output schema/)
  expect(error.textContent).toBe(
    'Does not match the output schema: currency should match the pattern ^[A-Z]{3}$; amount should be > 0; ' +
      'lines[0].sku is required; contact should match at least one of the allowed schemas (anyOf).',
  )
  // The paths come from the JSON's keys: each is isolated from the text around it.
  expect([...error.querySelectorAll('bdi')].map((element) => element.textContent)).toEqual([
    'currency',
    'amount',
    'lines[0].sku',
    'contact',
  ])
  expect(input.getAttribute('aria-invalid')).toBe('true')
  expect(onSubmit).not.toHaveBeenCalled()

  await user.clear(input)
  await user.click(input)
  await user.paste(JSON.stringify({ currency: 'EUR', amount: 12.5, lines: [{ sku: 'A1' }], contact: null }))
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1))
  expect(screen.queryByText(/Does not match the output schema/)).toBeNull()
})

test('JSON mode validates the output before submitting', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn()
  render(<ToolOutputForm toolCalls={[weather]} onSubmit={onSubmit} />)
  await user.selectOptions(screen.getByRole('combobox', { name: 'Format of get_weather output' }), 'json')
  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), '{{"temp": 18')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(onSubmit).not.toHaveBeenCalled()
  expect(screen.getByText('This is not valid JSON.')).toBeTruthy()
})

test('F10: a throwing handler marks its own field; the others are filled; nothing is submitted', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn()
  render(
    <ToolOutputForm
      toolCalls={[weather, time]}
      onSubmit={onSubmit}
      handlers={{
        get_weather: (args) => ({ city: (args as { city: string }).city, celsius: 18 }),
        get_time: () => {
          throw new Error('clock unavailable')
        },
      }}
    />,
  )
  await user.click(screen.getByRole('button', { name: 'Run tools' }))
  expect(
    (screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement).value,
  ).toContain('"celsius": 18')
  expect(screen.getByText(wholeText('get_time failed: clock unavailable'))).toBeTruthy()
  expect(onSubmit).not.toHaveBeenCalled()
})

function Controlled() {
  const [values, setValues] = useState<ToolOutputValues>({ call_weather: 'A' })
  return (
    <>
      <ToolOutputForm toolCalls={[weather]} value={values} onValueChange={setValues} onSubmit={vi.fn()} />
      <output aria-label="mirror">{values.call_weather}</output>
    </>
  )
}

test('values can be controlled', async () => {
  const user = userEvent.setup()
  render(<Controlled />)
  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), 'B')
  expect(screen.getByRole('status', { name: 'mirror' }).textContent).toBe('AB')
})
