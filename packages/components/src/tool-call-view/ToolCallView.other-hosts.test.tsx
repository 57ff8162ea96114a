// Tool calls of types this library does not know (other hosts' mcp, bing_grounding, openapi, …): shown generically.
import type { RunStep as RunStepObject, ToolCall } from '@oai-runs/client'
import { render, screen, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { RunStep, stepTitle } from '../run-step-list/RunStep.tsx'
import { MAX_DETAILS_LENGTH, ToolCallView, toolCallDetailsText, toolCallLabel } from './ToolCallView.tsx'

const mcp: ToolCall = {
  id: 'call_1',
  type: 'mcp',
  server_label: 'wiki',
  name: 'search',
  arguments: '{"q":"runs"}',
  output: '3 hits',
}

test('an unknown type shows its type and name, and its details as pretty JSON in a closed <details>', () => {
  render(<ToolCallView toolCall={mcp} />)
  const group = screen.getByRole('group', { name: 'Tool call mcp search' })
  expect(group.getAttribute('data-type')).toBe('mcp')
  const name = group.querySelector('[data-oai-tool-name]')!
  expect([...name.querySelectorAll('bdi')].map((bdi) => bdi.textContent)).toEqual(['mcp', 'search'])
  const details = group.querySelector('details')!
  expect(details.open).toBe(false)
  expect(within(details).getByText('Details').tagName).toBe('SUMMARY')
  expect(details.querySelector('pre')?.textContent).toBe(
    JSON.stringify(
      { server_label: 'wiki', name: 'search', arguments: '{"q":"runs"}', output: '3 hits' },
      null,
      2,
    ),
  )
})

test('details are text, never markup, and bidi controls are shown as JSON escapes', () => {
  const hostile: ToolCall = {
    id: 'call_2',
    type: 'bing_grounding',
    bing_grounding: { title: '<img src=x onerror=alert(1)>', file: 'invoice\u202Efdp.exe' },
  }
  const { container } = render(<ToolCallView toolCall={hostile} />)
  expect(container.querySelector('img')).toBeNull()
  const text = container.querySelector('[data-oai-details-json]')!.textContent!
  expect(text).toContain('<img src=x onerror=alert(1)>')
  expect(text).toContain('invoice\\u202efdp.exe')
  expect(text).not.toMatch(/\u202E/)
  expect(JSON.parse(text)).toEqual(
    hostile.bing_grounding === undefined ? {} : { bing_grounding: hostile.bing_grounding },
  )
})

test('the type name is isolated, and a call without a name shows only its type', () => {
  render(<ToolCallView toolCall={{ id: 'call_3', type: 'connected\u202Eagent' }} />)
  const name = document.querySelector('[data-oai-tool-name]')!
  expect(name.querySelectorAll('bdi')).toHaveLength(1)
  expect(name.querySelector('bdi')?.textContent).toBe('connected\u202Eagent')
  expect(toolCallLabel({ id: 'x', type: 'openapi' })).toBe('Tool call openapi')
})

test('very long details are cut with a note', () => {
  const call: ToolCall = {
    id: 'call_4',
    type: 'fabric',
    fabric: { blob: 'x'.repeat(MAX_DETAILS_LENGTH + 10) },
  }
  const { container } = render(<ToolCallView toolCall={call} />)
  const details = container.querySelector('details')!
  expect(details.getAttribute('data-state')).toBe('truncated')
  expect(details.querySelector('pre')!.textContent).toHaveLength(MAX_DETAILS_LENGTH)
  expect(within(details).getByText(/Cut at 20,000 of/)).toBeTruthy()
  expect(toolCallDetailsText(call).length).toBeGreaterThan(MAX_DETAILS_LENGTH)
})

test('a step with an unknown call titles it by its type and renders it generically', () => {
  const step = {
    id: 'step_1',
    object: 'thread.run.step',
    created_at: 0,
    assistant_id: 'asst_1',
    thread_id: 'thread_1',
    run_id: 'run_1',
    type: 'tool_calls',
    status: 'completed',
    step_details: { type: 'tool_calls', tool_calls: [mcp] },
    last_error: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: 1,
  } as RunStepObject
  expect(stepTitle(step)).toBe('Tool calls: mcp')
  const { container } = render(
    <ol>
      <RunStep step={step} />
    </ol>,
  )
  expect(container.querySelector('[data-oai-tool-call][data-type="mcp"] details')).not.toBeNull()
})
