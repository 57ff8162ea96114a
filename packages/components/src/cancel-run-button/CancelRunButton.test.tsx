import { CannotCancelRunError } from '@oai-runs/client'
import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, test, vi } from 'vitest'
import { CancelRunButton } from './CancelRunButton.tsx'

function deferred() {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

test('F11: shows cancelling at once, keeps focus, and settles on the server status', async () => {
  const user = userEvent.setup()
  const pending = deferred()
  const onCancel = vi.fn(() => pending.promise)
  const { rerender } = render(<CancelRunButton status="in_progress" onCancel={onCancel} />)
  const button = screen.getByRole('button', { name: 'Cancel run' })
  await user.click(button)
  expect(button.textContent).toBe('Cancelling…')
  expect(button.getAttribute('aria-disabled')).toBe('true')
  expect(document.activeElement).toBe(button)
  await user.click(button)
  expect(onCancel).toHaveBeenCalledTimes(1)
  await act(async () => pending.resolve())
  rerender(<CancelRunButton status="cancelling" onCancel={onCancel} />)
  expect(screen.getByRole('status').textContent).toBe('Cancelling the run…')
  rerender(<CancelRunButton status="cancelled" onCancel={onCancel} />)
  expect(button.textContent).toBe('Cancelled')
  expect(screen.getByRole('status').textContent).toBe('Run cancelled.')
})

test('a failed cancel rolls back and shows the error', async () => {
  const user = userEvent.setup()
  render(<CancelRunButton status="in_progress" onCancel={() => Promise.reject(new Error('Network down'))} />)
  await user.click(screen.getByRole('button', { name: 'Cancel run' }))
  expect(screen.getByRole('button').textContent).toBe('Cancel run')
  expect(screen.getByRole('alert').textContent).toBe('Cancelling failed: Network down')
})

test('F11: "Cannot cancel run with status \'completed\'" is a quiet no-op', async () => {
  const user = userEvent.setup()
  const error = new CannotCancelRunError({
    status: 400,
    error: { message: "Cannot cancel run with status 'completed'." },
    runStatus: 'completed',
  })
  const { rerender } = render(<CancelRunButton status="in_progress" onCancel={() => Promise.reject(error)} />)
  await user.click(screen.getByRole('button', { name: 'Cancel run' }))
  expect(screen.queryByRole('alert')).toBeNull()
  rerender(<CancelRunButton status="completed" onCancel={vi.fn()} />)
  expect(screen.getByRole('button').getAttribute('data-state')).toBe('unavailable')
})
