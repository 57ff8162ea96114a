// The devtools panel in real Chromium: filled by real hooks against the in-browser server (its story), checked
// with axe in both themes once the runs are in, and driven from the keyboard.
import { composeStories } from '@storybook/react-vite'
import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import * as devtools from '../../stories/RunsDevtools.stories'
import { axeViolations } from './axe'

const light = composeStories(devtools)
const dark = composeStories(devtools, { initialGlobals: { theme: 'dark' } })

/** The panel's run buttons, in tree order. */
const runButtons = (panel: HTMLElement) =>
  within(panel)
    .getAllByRole('button')
    .filter((button) => button.hasAttribute('data-oai-devtools-run'))

/** Waits until the panel lists the completed run and the one waiting for tool outputs. */
async function panelWithRuns() {
  const panel = screen.getByRole('dialog', { name: 'oai-runs devtools' })
  await waitFor(
    () => {
      const runs = runButtons(panel).map((button) => button.getAttribute('data-state'))
      expect(runs).toEqual(['requires_action', 'completed'])
    },
    { timeout: 10_000 },
  )
  return panel
}

describe('RunsDevtools', () => {
  for (const [theme, stories] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    test(`with a completed run and one requiring action, axe finds no violations (${theme})`, async () => {
      const { container } = render(<stories.CompletedAndRequiresAction />)
      const panel = await panelWithRuns()
      // The newest run (waiting for tool outputs) is selected: its timeline with the countdown, and its JSON.
      const timeline = within(panel).getByRole('region', { name: /^Run run_/ })
      expect(timeline.getAttribute('data-state')).toBe('requires_action')
      expect(within(timeline).getByRole('timer')).toBeTruthy()
      expect(panel.querySelector('[data-oai-devtools-json]')?.textContent).toContain(
        '"status": "requires_action"',
      )
      await waitFor(() =>
        expect(within(panel).getByRole('list', { name: /Cache events/ }).childElementCount).toBeGreaterThan(
          0,
        ),
      )
      // The panel is styled by devtools.css: fixed, on the theme's background.
      expect(getComputedStyle(panel).position).toBe('fixed')
      expect(getComputedStyle(panel).backgroundColor).toBe(
        theme === 'dark' ? 'rgb(20, 23, 31)' : 'rgb(255, 255, 255)',
      )
      expect(await axeViolations(container)).toEqual([])
      if (theme === 'light') {
        await page.screenshot({ path: '__screenshots__/devtools-open.png' })
      }
    })
  }

  test('the empty panel passes axe in both themes', async () => {
    for (const Story of [light.Empty, dark.Empty]) {
      const { container, unmount } = render(<Story />)
      const panel = screen.getByRole('dialog', { name: 'oai-runs devtools' })
      expect(panel.textContent).toContain('No oai-runs entries in the cache yet')
      expect(await axeViolations(container)).toEqual([])
      unmount()
    }
  })

  test('keyboard: the toggle opens the panel and focuses it, arrows move between runs, Escape closes it', async () => {
    render(<light.CompletedAndRequiresAction initialIsOpen={false} />)
    const toggle = screen.getByRole('button', { name: 'Runs devtools' })
    toggle.focus()
    await userEvent.keyboard('{Enter}')
    const panel = await panelWithRuns()
    expect(document.activeElement).toBe(panel)
    const [newest, older] = runButtons(panel)
    newest!.focus()
    await userEvent.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(older)
    await userEvent.keyboard('{Enter}')
    expect(older!.getAttribute('aria-current')).toBe('true')
    expect(
      within(panel)
        .getByRole('region', { name: /^Run run_/ })
        .getAttribute('data-state'),
    ).toBe('completed')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
  })
})
