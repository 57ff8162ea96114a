import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, test, vi } from 'vitest'
import { RunMetadataEditor } from './RunMetadataEditor.tsx'

test('edits, adds and removes pairs, then saves the metadata', async () => {
  const user = userEvent.setup()
  const onSave = vi.fn()
  render(<RunMetadataEditor metadata={{ ticket: 'A-1', drop: 'me' }} onSave={onSave} />)
  await user.clear(screen.getByRole('textbox', { name: 'Value 1' }))
  await user.type(screen.getByRole('textbox', { name: 'Value 1' }), 'A-2')
  await user.click(screen.getByRole('button', { name: 'Remove pair 2' }))
  await user.click(screen.getByRole('button', { name: 'Add pair' }))
  await user.type(screen.getByRole('textbox', { name: 'Key 2' }), 'channel')
  await user.type(screen.getByRole('textbox', { name: 'Value 2' }), 'web')
  await user.click(screen.getByRole('button', { name: 'Save metadata' }))
  expect(onSave).toHaveBeenCalledWith({ ticket: 'A-2', channel: 'web' })
  expect(screen.getByRole('status').textContent).toBe('Metadata saved.')
})

test('enforces the spec limits: 64-character keys, 512-character values, 16 pairs', async () => {
  const user = userEvent.setup()
  const onSave = vi.fn()
  const full = Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${index}`, 'v']))
  const { unmount } = render(<RunMetadataEditor metadata={full} onSave={onSave} />)
  const add = screen.getByRole('button', { name: 'Limit of 16 pairs reached' })
  expect(add.getAttribute('aria-disabled')).toBe('true')
  await user.click(add)
  expect(screen.getAllByRole('group')).toHaveLength(16)
  unmount()

  render(<RunMetadataEditor metadata={{ ['k'.repeat(65)]: 'v'.repeat(513) }} onSave={onSave} />)
  expect(screen.getByText(/Keys can be at most 64 characters \(this one has 65\)/)).toBeTruthy()
  expect(screen.getByText(/Values can be at most 512 characters \(this one has 513\)/)).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Save metadata' }))
  expect(onSave).not.toHaveBeenCalled()
  expect(screen.getByRole('alert').textContent).toBe('Fix the highlighted fields, then save.')
})

test('duplicate and empty keys are rejected; a save error keeps the rows', async () => {
  const user = userEvent.setup()
  const onSave = vi.fn().mockRejectedValue(new Error('Server said no'))
  render(<RunMetadataEditor metadata={{ a: '1' }} onSave={onSave} />)
  await user.click(screen.getByRole('button', { name: 'Add pair' }))
  await user.type(screen.getByRole('textbox', { name: 'Key 2' }), 'a')
  await user.click(screen.getByRole('button', { name: 'Save metadata' }))
  expect(screen.getByText('Duplicate of key 1.')).toBeTruthy()
  await user.clear(screen.getByRole('textbox', { name: 'Key 2' }))
  await user.type(screen.getByRole('textbox', { name: 'Key 2' }), 'b')
  await user.click(screen.getByRole('button', { name: 'Save metadata' }))
  expect(screen.getByRole('alert').textContent).toBe('Saving failed: Server said no')
  expect((screen.getByRole('textbox', { name: 'Key 2' }) as HTMLInputElement).value).toBe('b')
})
