import { render, screen } from '@testing-library/react'
import { createRef } from 'react'
import { expect, test } from 'vitest'
import { RunStatusBadge } from './RunStatusBadge.tsx'

test('shows a human label and exposes the raw status as data-state', () => {
  render(<RunStatusBadge status="requires_action" data-testid="badge" />)
  const badge = screen.getByTestId('badge')
  expect(badge.textContent).toBe('Requires action')
  expect(badge.getAttribute('data-state')).toBe('requires_action')
})

test('shows an unknown future status raw (checklist C7)', () => {
  render(<RunStatusBadge status="paused_for_review" data-testid="badge" />)
  expect(screen.getByTestId('badge').textContent).toBe('paused_for_review')
})

test('parts forward refs, spread user props last and support asChild', () => {
  const ref = createRef<HTMLSpanElement>()
  render(
    <RunStatusBadge.Root status="completed" ref={ref} data-state="custom" asChild>
      <strong>
        <RunStatusBadge.Label status="completed" />
      </strong>
    </RunStatusBadge.Root>,
  )
  expect(ref.current?.tagName).toBe('STRONG')
  expect(ref.current?.getAttribute('data-state')).toBe('custom')
  expect(ref.current?.textContent).toBe('Completed')
})
