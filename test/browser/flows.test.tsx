// Key flows in real Chromium against the in-browser server (the live stories), one screenshot per flow.
import { composeStories } from '@storybook/react-vite'
import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import * as cancelRunButton from '../../stories/CancelRunButton.stories'
import * as connectedStories from '../../stories/Connected.stories'
import * as messageContent from '../../stories/MessageContent.stories'
import * as runStepList from '../../stories/RunStepList.stories'
import * as runTimeline from '../../stories/RunTimeline.stories'
import * as runViewer from '../../stories/RunViewer.stories'
import * as toolOutputForm from '../../stories/ToolOutputForm.stories'
import { axeViolations } from './axe'

const timelines = composeStories(runTimeline)
const forms = composeStories(toolOutputForm)
const cancels = composeStories(cancelRunButton)
const viewers = composeStories(runViewer)
const messages = composeStories(messageContent)

const shot = (name: string, element?: Element) =>
  page.screenshot({ path: `__screenshots__/${name}.png`, ...(element ? { element } : {}) })

describe('live flows', () => {
  test('a live story streams a reply to completion and announces it', async () => {
    const { container } = render(
      <timelines.Live prompt="Hello! Explain **runs** briefly." tokenDelayMs={5} />,
    )
    const timeline = container.querySelector('[data-oai-timeline]')!
    await waitFor(() => expect(timeline.getAttribute('data-state')).toBe('completed'), { timeout: 10_000 })
    expect(timeline.textContent).toContain('You said')
    // Live regions: the run's status change, and the message once (on completion, not per token).
    await waitFor(() => {
      const live = within(timeline as HTMLElement)
        .getAllByRole('status')
        .map((node) => node.textContent)
      expect(live).toContain('Run status: Completed')
    })
    expect(await axeViolations(container)).toEqual([])
    await shot('live-stream-completed', timeline)
  })

  test('the tool-output form submits both parallel calls in one request and the run completes', async () => {
    const { container } = render(<forms.Live tokenDelayMs={5} />)
    const weather = await screen.findByRole('textbox', { name: /Output of get_weather/ }, { timeout: 8000 })
    const time = screen.getByRole('textbox', { name: /Output of get_time/ })
    await userEvent.fill(weather, '{"celsius":18}')
    await userEvent.fill(time, '14:05')
    const submit = screen.getByRole('button', { name: 'Submit 2 outputs' })
    await shot('tool-form-filled', container.querySelector('form')!)
    // Double click: the form must send exactly one request (the server would reject a second one).
    await userEvent.dblClick(submit)
    const timeline = container.querySelector('[data-oai-timeline]')!
    await waitFor(() => expect(timeline.getAttribute('data-state')).toBe('completed'), { timeout: 10_000 })
    expect(timeline.textContent).toContain('14:05')
    expect(container.querySelector('[role="alert"]')).toBeNull()
    await shot('tool-form-submitted', container.querySelector('[data-oai-theme]')!)
  })

  test('cancel shows cancelling at once, then cancelled', async () => {
    const { container } = render(<cancels.Live tokenDelayMs={40} cancelDelayMs={800} />)
    const button = await screen.findByRole('button', { name: 'Cancel run' })
    await waitFor(
      () =>
        expect(container.querySelector('[data-oai-status-badge]')?.getAttribute('data-state')).toBe(
          'in_progress',
        ),
      {
        timeout: 5000,
      },
    )
    await userEvent.click(button)
    expect(button.textContent).toBe('Cancelling…')
    expect(document.activeElement).toBe(button)
    await shot('cancel-cancelling', container)
    await waitFor(() => expect(button.textContent).toBe('Cancelled'), { timeout: 8000 })
    expect(container.querySelector('[data-oai-status-badge]')?.getAttribute('data-state')).toBe('cancelled')
    await shot('cancel-cancelled', container)
  })

  test('the run viewer fills outputs with a client handler, submits, and moves focus to the timeline', async () => {
    const { container } = render(<viewers.Live tokenDelayMs={5} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Run tools' }, { timeout: 8000 }))
    const output = screen.getByRole('textbox', { name: /Output of get_weather/ }) as HTMLTextAreaElement
    expect(output.value).toContain('"celsius": 21')
    await userEvent.click(screen.getByRole('button', { name: 'Submit output' }))
    const timeline = container.querySelector('[data-oai-timeline]') as HTMLElement
    await waitFor(() => expect(document.activeElement).toBe(timeline), { timeout: 5000 })
    await waitFor(() => expect(timeline.getAttribute('data-state')).toBe('completed'), { timeout: 10_000 })
    await shot('viewer-completed', container.querySelector('[data-oai-theme]')!)
  })
})

describe('connected (hooks)', () => {
  const connected = composeStories(connectedStories)

  test('useSubmitToolOutputs through ConnectedRunViewer completes the run', async () => {
    const { container } = render(<connected.ToolRoundTrip tokenDelayMs={5} />)
    const input = await screen.findByRole('textbox', { name: /Output of get_weather/ }, { timeout: 8000 })
    await userEvent.fill(input, '{"celsius":18}')
    await userEvent.click(screen.getByRole('button', { name: 'Submit output' }))
    const timeline = container.querySelector('[data-oai-timeline]') as HTMLElement
    await waitFor(() => expect(timeline.getAttribute('data-state')).toBe('completed'), { timeout: 10_000 })
    await waitFor(() => expect(timeline.textContent, timeline.textContent ?? '').toContain('celsius'), {
      timeout: 5000,
    })
    expect(await axeViolations(container)).toEqual([])
    await shot('connected-completed', container.querySelector('[data-oai-theme]')!)
  })

  test('useCancelRun through ConnectedRunViewer: cancelling at once, then cancelled', async () => {
    const { container } = render(<connected.CancelLongReply />)
    const button = await screen.findByRole('button', { name: 'Cancel run' }, { timeout: 8000 })
    await userEvent.click(button)
    expect(button.textContent).toBe('Cancelling…')
    await waitFor(() => expect(button.textContent).toBe('Cancelled'), { timeout: 10_000 })
    expect(container.querySelector('[data-oai-timeline]')?.getAttribute('data-state')).toBe('cancelled')
  })
})

describe('step message previews', () => {
  test('a closed first line on one line; Enter opens it to the content, and the layout holds', async () => {
    const { MessagePreviews } = composeStories(runStepList)
    const { container } = render(<MessagePreviews />)
    const details = container.querySelector('details[data-oai-step-message]') as HTMLDetailsElement
    const summary = details.querySelector('summary') as HTMLElement
    const preview = summary.querySelector('[data-oai-step-message-preview]') as HTMLElement
    // One line, cut by the ellipsis rather than wrapped, and nothing of the content laid out.
    const lineHeight = Number.parseFloat(getComputedStyle(preview).lineHeight) || 24
    expect(preview.getBoundingClientRect().height).toBeLessThan(lineHeight * 1.5)
    expect(details.querySelector('[data-oai-part="text"]')).toBeNull()
    summary.focus()
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(details.open).toBe(true))
    expect(details.querySelector('[data-oai-part="text"]')).not.toBeNull()
    expect(document.activeElement).toBe(summary)
    expect(await axeViolations(container)).toEqual([])
  })
})

describe('static states', () => {
  test('screenshots of the default theme', async () => {
    const code = render(<timelines.CodeInterpreterWithImage />)
    await waitFor(() => expect(code.container.querySelector('img')?.complete).toBe(true))
    await shot('timeline-code-interpreter', code.container.querySelector('[data-oai-timeline]')!)
    code.unmount()

    const mismatch = render(<forms.ServerMismatchError />)
    await userEvent.click(screen.getByRole('button', { name: 'Submit output' }))
    await screen.findByRole('alert')
    await shot('tool-form-server-error', mismatch.container.querySelector('form')!)
    mismatch.unmount()

    const malicious = render(<messages.MaliciousMarkdown />)
    expect(malicious.container.querySelector('script, iframe, img, svg[onload]')).toBeNull()
    await shot('message-malicious', malicious.container)
    malicious.unmount()

    await page.viewport(1000, 1800) // the whole viewer fits in one shot
    const dark = composeStories(runViewer, { initialGlobals: { theme: 'dark' } })
    const viewer = render(<dark.RequiresAction />)
    await shot('viewer-requires-action-dark', viewer.container.querySelector('[data-oai-theme]')!)
  })
})
