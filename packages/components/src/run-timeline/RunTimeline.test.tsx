import { act, render, screen, within } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { run, step, T0 } from '../test/fixtures.ts'
import { wholeText } from '../test/text.ts'
import { RunTimeline } from './RunTimeline.tsx'

test('shows status transitions with times and steps in order', () => {
  render(
    <RunTimeline
      run={run({
        status: 'completed',
        completed_at: T0 + 9,
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      })}
      steps={[step('b', T0 + 4), step('a', T0 + 2)]}
    />,
  )
  const items = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem')
  const labels = items
    .filter((item) => item.parentElement?.getAttribute('aria-label') === 'Timeline')
    .map(
      (item) =>
        item.getAttribute('data-state') +
        ':' +
        (item.getAttribute('data-oai-step') === '' ? 'step' : 'status'),
    )
  expect(labels).toEqual([
    'queued:status',
    'in_progress:status',
    'completed:step',
    'completed:step',
    'completed:status',
  ])
  expect(screen.getByText('Usage: 15 tokens (10 prompt, 5 completion)')).toBeTruthy()
  expect(screen.getAllByText(wholeText(/Tool calls: fn_/)).map((node) => node.textContent)).toEqual([
    'Tool calls: fn_a',
    'Tool calls: fn_b',
  ])
})

test('shows last_error of a failed run and incomplete_details of an incomplete one', () => {
  const { rerender } = render(
    <RunTimeline
      run={run({
        status: 'failed',
        failed_at: T0 + 3,
        last_error: { code: 'rate_limit_exceeded', message: 'Slow down' },
      })}
    />,
  )
  expect(screen.getByText(wholeText('Failed: Slow down (rate_limit_exceeded)'))).toBeTruthy()
  rerender(
    <RunTimeline run={run({ status: 'incomplete', incomplete_details: { reason: 'max_prompt_tokens' } })} />,
  )
  expect(screen.getByText('Incomplete: the run hit max prompt tokens.')).toBeTruthy()
})

test('counts down to expires_at while the run requires action', async () => {
  let clock = (T0 + 30) * 1000
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  try {
    render(<RunTimeline run={run({ status: 'requires_action' })} now={() => clock} />)
    expect(screen.getByRole('timer').textContent).toContain('expires in 9:30')
    clock += 5000
    await act(async () => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('timer').textContent).toContain('expires in 9:25')
  } finally {
    vi.useRealTimers()
  }
})

test('status changes are announced in a live region; the initial status is not', () => {
  const { rerender } = render(<RunTimeline run={run({ status: 'in_progress' })} />)
  const live = screen.getByRole('status')
  expect(live.textContent).toBe('')
  rerender(<RunTimeline run={run({ status: 'requires_action' })} />)
  expect(live.textContent).toBe('Run status: Requires action')
  // The observed transition (no timestamp field exists for it) joins the timeline.
  expect(
    screen.getAllByRole('listitem').some((item) => item.getAttribute('data-state') === 'requires_action'),
  ).toBe(true)
})

test('renders a loading state without a run', () => {
  render(<RunTimeline run={null} />)
  expect(screen.getByText('Loading run…')).toBeTruthy()
})
