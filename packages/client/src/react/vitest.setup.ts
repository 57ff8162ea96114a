// Setup of the `react` vitest project: react-query notifications inside act(), DOM cleanup after each test.
import { notifyManager } from '@tanstack/react-query'
import { act, cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

notifyManager.setNotifyFunction((callback) => {
  act(callback)
})
afterEach(() => {
  cleanup()
})
