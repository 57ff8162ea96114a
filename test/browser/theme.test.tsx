// The default theme in real Chromium: one `light-dark()` palette, picked by `color-scheme` (styles.css is
// loaded by the Storybook preview in setup.ts). Following the OS is checked with an emulated dark scheme in
// test/e2e/playground.test.ts; here the page's preferred scheme is whatever headless Chromium reports.
import { MessageContent } from '@oai-runs/components'
import { render } from '@testing-library/react'
import type { CSSProperties } from 'react'
import { describe, expect, test } from 'vitest'

const LIGHT = { bg: 'rgb(255, 255, 255)', text: 'rgb(28, 34, 48)' }
const DARK = { bg: 'rgb(20, 23, 31)', text: 'rgb(230, 233, 240)' }

const probeStyle: CSSProperties = { background: 'var(--oai-bg)', color: 'var(--oai-text)' }

function colours(element: Element) {
  const style = getComputedStyle(element)
  return { bg: style.backgroundColor, text: style.color }
}

const probe = (container: HTMLElement, id: string) => container.querySelector(`[data-probe="${id}"]`)!

describe('default theme', () => {
  test("components follow the OS by default, and the page's own color-scheme is left alone", () => {
    const content = [{ type: 'text' as const, text: { value: 'Hello', annotations: [] } }]
    const { container } = render(
      <>
        <MessageContent content={content} data-probe="component" />
        <div data-probe="page" style={probeStyle} />
      </>,
    )
    expect(getComputedStyle(document.documentElement).colorScheme).toBe('normal')
    const prefersDark = matchMedia('(prefers-color-scheme: dark)').matches
    const part = probe(container, 'component').querySelector('[data-oai-part="text"]')!
    expect(getComputedStyle(part).colorScheme).toBe('light dark')
    expect(getComputedStyle(part).color).toBe(prefersDark ? DARK.text : LIGHT.text)
    // Outside the components, the palette resolves by the page's scheme: light unless the page opts in.
    expect(colours(probe(container, 'page'))).toEqual(LIGHT)
  })

  test('data-oai-theme on an ancestor forces the palette, form controls and scrollbars', () => {
    const { container } = render(
      <>
        <div data-oai-theme="dark">
          <div data-probe="dark" style={probeStyle} />
          <input aria-label="dark input" />
          <div data-oai-theme="light">
            <div data-probe="nested-light" style={probeStyle} />
          </div>
        </div>
        <div data-oai-theme="light">
          <div data-probe="light" style={probeStyle} />
          <div data-oai-theme="dark">
            <div data-probe="nested-dark" style={probeStyle} />
          </div>
        </div>
      </>,
    )
    expect(colours(probe(container, 'dark'))).toEqual(DARK)
    expect(colours(probe(container, 'nested-light'))).toEqual(LIGHT)
    expect(colours(probe(container, 'light'))).toEqual(LIGHT)
    expect(colours(probe(container, 'nested-dark'))).toEqual(DARK)
    // color-scheme is inherited: native controls inside the scope are drawn dark as well.
    expect(getComputedStyle(container.querySelector('input')!).colorScheme).toBe('dark')
  })

  test("a component's own colours follow the scope (and data-oai-theme on the component itself)", () => {
    const content = [{ type: 'text' as const, text: { value: 'Hello', annotations: [] } }]
    const { container } = render(
      <>
        <div data-oai-theme="dark">
          <MessageContent content={content} data-probe="in-dark" />
        </div>
        <MessageContent content={content} data-oai-theme="dark" data-probe="self-dark" />
        <div data-oai-theme="light">
          <MessageContent content={content} data-probe="in-light" />
        </div>
      </>,
    )
    const part = (id: string) => probe(container, id).querySelector('[data-oai-part="text"]')!
    expect(getComputedStyle(part('in-dark')).color).toBe(DARK.text)
    expect(getComputedStyle(part('self-dark')).color).toBe(DARK.text)
    expect(getComputedStyle(part('in-light')).color).toBe(LIGHT.text)
  })

  test('the custom properties still re-theme: a plain value for both schemes, light-dark() for each', () => {
    const plain = { '--oai-bg': 'rgb(1, 2, 3)' } as CSSProperties
    const pair = { '--oai-bg': 'light-dark(rgb(4, 5, 6), rgb(7, 8, 9))' } as CSSProperties
    const { container } = render(
      <>
        <div data-oai-theme="light" style={plain}>
          <div data-probe="plain-light" style={probeStyle} />
        </div>
        <div data-oai-theme="dark" style={plain}>
          <div data-probe="plain-dark" style={probeStyle} />
        </div>
        <div data-oai-theme="light" style={pair}>
          <div data-probe="pair-light" style={probeStyle} />
        </div>
        <div data-oai-theme="dark" style={pair}>
          <div data-probe="pair-dark" style={probeStyle} />
        </div>
      </>,
    )
    expect(colours(probe(container, 'plain-light')).bg).toBe('rgb(1, 2, 3)')
    expect(colours(probe(container, 'plain-dark')).bg).toBe('rgb(1, 2, 3)')
    expect(colours(probe(container, 'pair-light')).bg).toBe('rgb(4, 5, 6)')
    expect(colours(probe(container, 'pair-dark')).bg).toBe('rgb(7, 8, 9)')
  })
})
