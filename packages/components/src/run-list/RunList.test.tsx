import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, test, vi } from 'vitest'
import { run, T0 } from '../test/fixtures.ts'
import { RunList } from './RunList.tsx'

test('lists runs, marks the selected one and selects on click', async () => {
  const user = userEvent.setup()
  const onSelect = vi.fn()
  render(
    <RunList
      runs={[
        run({ id: 'run_b', status: 'failed', created_at: T0 + 9 }),
        run({ id: 'run_a', status: 'completed' }),
      ]}
      selectedRunId="run_a"
      onSelect={onSelect}
    />,
  )
  const nav = screen.getByRole('navigation', { name: 'Runs' })
  expect(nav).toBeTruthy()
  expect(screen.getByRole('button', { name: /run_a/ }).getAttribute('aria-current')).toBe('true')
  await user.click(screen.getByRole('button', { name: /Failed run_b/ }))
  expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: 'run_b' }))
})

test('loads more runs', async () => {
  const user = userEvent.setup()
  const onLoadMore = vi.fn()
  render(<RunList runs={[run()]} hasMore onLoadMore={onLoadMore} />)
  await user.click(screen.getByRole('button', { name: 'Load more runs' }))
  expect(onLoadMore).toHaveBeenCalledTimes(1)
})
