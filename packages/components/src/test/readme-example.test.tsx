import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { expect, test } from 'vitest'
import { App } from './readme-example.tsx'

test('the README quick start runs: start a run, answer the tool call, see it complete', async () => {
  const user = userEvent.setup()
  render(<App />)
  await user.click(screen.getByRole('button', { name: 'Ask for the weather' }))
  const output = await screen.findByRole('textbox', { name: /Output of get_weather/ }, { timeout: 8000 })
  await user.type(output, '18 °C')
  await user.click(screen.getByRole('button', { name: 'Submit output' }))
  await waitFor(
    () => expect(screen.getByRole('region', { name: /^Run / }).getAttribute('data-state')).toBe('completed'),
    {
      timeout: 10_000,
    },
  )
}, 20_000)
