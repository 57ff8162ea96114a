// Browser project setup: Storybook's preview (decorators, default stylesheet) for portable stories, and cleanup.
import { setProjectAnnotations } from '@storybook/react-vite'
import { cleanup } from '@testing-library/react'
import { afterEach, beforeAll } from 'vitest'
import * as preview from '../../.storybook/preview'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true

const annotations = setProjectAnnotations([preview])
beforeAll(annotations.beforeAll)
afterEach(() => {
  cleanup()
})
