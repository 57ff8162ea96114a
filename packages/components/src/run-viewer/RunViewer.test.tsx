import { createClient } from '@oai-runs/client'
import { RunsClientProvider } from '@oai-runs/client/react'
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test, vi } from 'vitest'
import { ConnectedRunViewer } from '../connected/connected.tsx'
import { message, run, step, T0 } from '../test/fixtures.ts'
import { RunViewer } from './RunViewer.tsx'

const weather = {
  id: 'call_w',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
}

test('shows the tool-output form only while the run requires action and focuses the timeline after submit', async () => {
  const user = userEvent.setup()
  const onSubmit = vi.fn()
  const waiting = run({
    status: 'requires_action',
    expires_at: Math.floor(Date.now() / 1000) + 600,
    required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [weather] } },
  })
  const { rerender } = render(
    <RunViewer
      run={waiting}
      steps={[step('a', T0 + 2)]}
      onSubmitToolOutputs={onSubmit}
      onCancel={vi.fn()}
      onSaveMetadata={vi.fn()}
    />,
  )
  await user.type(screen.getByRole('textbox', { name: /Output of get_weather/ }), '18 °C')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  expect(onSubmit).toHaveBeenCalledWith([{ tool_call_id: 'call_w', output: '18 °C' }])
  expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Run run_1' }))
  rerender(<RunViewer run={run({ status: 'in_progress' })} onSubmitToolOutputs={onSubmit} />)
  expect(screen.queryByRole('form')).toBeNull()
})

test('passes contentOptions through the timeline to the created messages', () => {
  const created = step('b', T0 + 5, {
    type: 'message_creation',
    step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
  })
  const contentOptions = { linkTarget: '_blank', allowedImageOrigins: ['https://cdn.example.com'] }
  render(
    <RunViewer
      run={run({ status: 'completed', completed_at: T0 + 6 })}
      steps={[created]}
      messages={[
        message('msg_1', 'See [docs](https://example.com) ![chart](https://cdn.example.com/chart.png)'),
      ]}
      contentOptions={contentOptions}
    />,
  )
  expect(screen.getByRole('link', { name: 'docs' }).getAttribute('target')).toBe('_blank')
  // Allowlisted: the image loads without a click.
  expect(screen.getByRole('img', { name: 'chart' }).getAttribute('src')).toBe(
    'https://cdn.example.com/chart.png',
  )
})

let server: ReturnType<typeof createRunsServer> | undefined
afterEach(() => server?.close())

test('ConnectedRunViewer drives a real run: requires_action → submit → completed', async () => {
  const user = userEvent.setup()
  server = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 100 })
  server.seedAssistant(demoAssistant)
  const baseURL = 'http://runs.local/v1'
  const current = server
  const client = createClient({ baseURL, fetch: (input, init) => current.fetch(new Request(input, init)) })
  // Polls until the scripted model asks for get_weather (requires_action).
  const started = await client.runs.createThreadAndRunPoll({
    assistant_id: 'asst_demo',
    thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
  })
  expect(started.status).toBe('requires_action')
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>
        <ConnectedRunViewer threadId={started.thread_id} runId={started.id} />
      </RunsClientProvider>
    </QueryClientProvider>,
  )
  const input = await screen.findByRole('textbox', { name: /Output of get_weather/ }, { timeout: 5000 })
  await user.type(input, '{{"celsius":18}')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  await waitFor(() => expect(screen.getAllByText('Completed').length).toBeGreaterThan(0), { timeout: 8000 })
  expect(screen.queryByRole('form', { name: 'Tool outputs' })).toBeNull()
  queryClient.clear()
}, 15_000)
