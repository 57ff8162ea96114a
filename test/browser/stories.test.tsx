// Every story rendered in real Chromium (portable stories) and checked with axe-core.
import { composeStories } from '@storybook/react-vite'
import { render, waitFor } from '@testing-library/react'
import type { ComponentType } from 'react'
import { describe, expect, test } from 'vitest'
import * as cancelRunButton from '../../stories/CancelRunButton.stories'
import * as connected from '../../stories/Connected.stories'
import * as messageContent from '../../stories/MessageContent.stories'
import * as runList from '../../stories/RunList.stories'
import * as runMetadataEditor from '../../stories/RunMetadataEditor.stories'
import * as runStatusBadge from '../../stories/RunStatusBadge.stories'
import * as runStepList from '../../stories/RunStepList.stories'
import * as runsDevtools from '../../stories/RunsDevtools.stories'
import * as runTimeline from '../../stories/RunTimeline.stories'
import * as runViewer from '../../stories/RunViewer.stories'
import * as toolApprovalForm from '../../stories/ToolApprovalForm.stories'
import * as toolCallView from '../../stories/ToolCallView.stories'
import * as toolOutputForm from '../../stories/ToolOutputForm.stories'
import { type AxeScope, axeViolations } from './axe'

/** What a story's parameters tell this test: when its render is complete, and where axe should look. */
type StoryTestParameters = {
  rendered?: { selector: string; count: number }
  a11y?: { context?: AxeScope }
}

const modules = {
  CancelRunButton: cancelRunButton,
  Connected: connected,
  MessageContent: messageContent,
  RunList: runList,
  RunMetadataEditor: runMetadataEditor,
  RunStatusBadge: runStatusBadge,
  RunStepList: runStepList,
  RunsDevtools: runsDevtools,
  RunTimeline: runTimeline,
  RunViewer: runViewer,
  ToolApprovalForm: toolApprovalForm,
  ToolCallView: toolCallView,
  ToolOutputForm: toolOutputForm,
}

for (const [title, module] of Object.entries(modules)) {
  describe(title, () => {
    const stories = composeStories(module as Parameters<typeof composeStories>[0]) as Record<
      string,
      ComponentType
    >
    for (const [name, Story] of Object.entries(stories)) {
      test(`${name} renders and axe finds no violations`, async () => {
        const { rendered, a11y } =
          (Story as ComponentType & { parameters?: StoryTestParameters }).parameters ?? {}
        const { container } = render(<Story />)
        if (rendered) {
          // The story says what a complete render is: wait for exactly that, not for a time.
          await waitFor(() =>
            expect(container.querySelectorAll(rendered.selector)).toHaveLength(rendered.count),
          )
        } else {
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        expect(container.querySelector('main')?.childElementCount).toBeGreaterThan(0)
        expect(await axeViolations(container, a11y?.context)).toEqual([])
      })
    }
  })
}

// The dark theme has its own palette: check its contrast on the richest stories.
describe('dark theme', () => {
  const dark = { initialGlobals: { theme: 'dark' } }
  const stories = {
    'RunViewer/Completed': composeStories(runViewer, dark).Completed,
    'RunTimeline/Failed': composeStories(runTimeline, dark).Failed,
    'RunTimeline/CodeInterpreterWithImage': composeStories(runTimeline, dark).CodeInterpreterWithImage,
    'ToolOutputForm/ServerMismatchError': composeStories(toolOutputForm, dark).ServerMismatchError,
    'MessageContent/Markdown': composeStories(messageContent, dark).Markdown,
    'MessageContent/MaliciousMarkdown': composeStories(messageContent, dark).MaliciousMarkdown,
    'RunStatusBadge/AllStatuses': composeStories(runStatusBadge, dark).AllStatuses,
  }
  for (const [name, Story] of Object.entries(stories)) {
    test(`${name} in dark theme: axe finds no violations`, async () => {
      const { container } = render(<Story />)
      expect(container.querySelector('[data-oai-theme="dark"]')).not.toBeNull()
      expect(await axeViolations(container)).toEqual([])
    })
  }
})
