import type { RunStep } from '@oai-runs/client'
import { RunStepList } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { codeInterpreter, completed, contentOptions, longRun } from './fixtures'

const meta = {
  title: 'Components/RunStepList',
  component: RunStepList,
  args: { steps: completed.steps, messages: completed.messages, contentOptions },
} satisfies Meta<typeof RunStepList>

export default meta
type Story = StoryObj<typeof meta>

export const Default: Story = {}

export const CodeInterpreter: Story = {
  args: { steps: codeInterpreter.steps, messages: codeInterpreter.messages },
}

/** Created messages as closed first lines that open to the content (for a pane beside a chat). */
export const MessagePreviews: Story = { args: { messageDisplay: 'preview' } }

export const Empty: Story = { args: { steps: [] } }

function Paged({ pageSize }: { pageSize: number }) {
  const [steps, setSteps] = useState<RunStep[]>(longRun.steps.slice(0, pageSize))
  const [loading, setLoading] = useState(false)
  return (
    <RunStepList
      steps={steps}
      hasMore={steps.length < longRun.steps.length}
      isLoading={loading}
      onLoadMore={() => {
        setLoading(true)
        setTimeout(() => {
          setSteps(longRun.steps.slice(0, steps.length + pageSize))
          setLoading(false)
        }, 300)
      }}
    />
  )
}

/** A long run (120 steps) loaded 20 at a time; focus moves to the first new step. */
export const LongRunInfinite: Story = { render: () => <Paged pageSize={20} /> }

export const LoadingMore: Story = {
  args: { steps: longRun.steps.slice(0, 3), hasMore: true, isLoading: true },
}
