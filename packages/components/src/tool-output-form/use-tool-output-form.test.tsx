// useToolOutputForm alone, without the parts: a custom form of its own markup validates, submits every output in
// one request to the in-process server, and the run completes.
import { type RunToolCall, requiredToolCalls } from '@oai-runs/client'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test } from 'vitest'
import { disposeBackends, setupBackend } from '../test/backend.tsx'
import type { UseToolOutputFormProps } from './types.ts'
import { useToolOutputForm } from './use-tool-output-form.ts'

afterEach(disposeBackends)

function CustomForm(props: UseToolOutputFormProps) {
  const form = useToolOutputForm(props)
  return (
    <form aria-label="Answer the tools" {...form.getFormProps()}>
      {props.toolCalls.map((call: RunToolCall) => (
        <div key={call.id}>
          <label htmlFor={form.getLabelProps(call.id).htmlFor}>Result of {call.function.name}</label>
          <textarea {...form.getInputProps(call.id)} />
          {form.fields[call.id]?.error ? <p {...form.getErrorProps(call.id)} /> : null}
        </div>
      ))}
      <div {...form.getNoticeProps()} />
      <button {...form.getSubmitButtonProps()} />
    </form>
  )
}

test('a custom form built with useToolOutputForm alone submits its output and the run completes', async () => {
  const user = userEvent.setup()
  const { client } = setupBackend({
    server: { tokenDelayMs: 0, pollAfterMs: 20 },
    client: { baseURL: 'http://runs.local/v1' },
  })
  const thread = await client.threads.create({
    messages: [{ role: 'user', content: '/tool get_weather {"city":"Oslo"}' }],
  })
  const run = await client.runs.createAndPoll({ threadId: thread.id }, { assistant_id: 'asst_demo' })
  expect(run.status).toBe('requires_action')
  const toolCalls = requiredToolCalls(run)
  expect(toolCalls).toHaveLength(1)
  const ids = { threadId: thread.id, runId: run.id }
  const requests: number[] = []
  render(
    <CustomForm
      toolCalls={toolCalls}
      expiresAt={run.expires_at}
      runStatus={run.status}
      onSubmit={async (outputs) => {
        requests.push(outputs.length)
        await client.runs.submitToolOutputs(ids, { tool_outputs: outputs })
      }}
    />,
  )

  // Empty: nothing is sent, the field says why and gets the focus.
  const input = screen.getByRole('textbox', { name: 'Result of get_weather' })
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(requests).toEqual([])
  expect(input).toBe(document.activeElement)
  expect(input.getAttribute('aria-invalid')).toBe('true')
  expect(document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
    'Enter the output of get_weather.',
  )

  await user.type(input, '21 °C, clear')
  const submit = screen.getByRole('button', { name: 'Submit output' })
  await user.click(submit)
  await user.click(submit)
  await screen.findByRole('button', { name: 'Submitted' })
  expect(requests).toEqual([1])
  expect(screen.getByRole('form').getAttribute('data-state')).toBe('submitted')
  expect(screen.getByRole('status').textContent).toBe('Tool outputs submitted.')

  const finished = await client.runs.poll(ids)
  expect(finished.status).toBe('completed')
})
