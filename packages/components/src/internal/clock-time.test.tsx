import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { expect, test, vi } from 'vitest'
import { ClockTime } from './clock-time.tsx'
import { clockTime, utcClockTime } from './format.ts'

const at = 1_796_176_836 // 2026-12-02T02:00:36Z

test('the server renders UTC; hydration matches it and then shows the local time, without a recoverable error', async () => {
  const html = renderToString(
    <time>
      <ClockTime seconds={at} />
    </time>,
  )
  expect(html).toBe(`<time>${utcClockTime(at)}</time>`)
  expect(utcClockTime(at)).toBe('02:00:36 UTC')

  const container = document.createElement('div')
  container.innerHTML = html
  document.body.append(container)
  const onRecoverableError = vi.fn()
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
  await act(async () => {
    hydrateRoot(
      container,
      <time>
        <ClockTime seconds={at} />
      </time>,
      { onRecoverableError },
    )
  })
  expect(container.textContent).toBe(clockTime(at))
  expect(onRecoverableError).not.toHaveBeenCalled()
  expect(consoleError).not.toHaveBeenCalled()
  consoleError.mockRestore()
  container.remove()
})
