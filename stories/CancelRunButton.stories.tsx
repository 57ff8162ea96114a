import { CancelRunButton, RunStatusBadge } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { fn } from 'storybook/test'
import { type LiveArgs, liveArgTypes, useLiveRun } from './live'

const meta = {
  title: 'Components/CancelRunButton',
  component: CancelRunButton,
  args: { status: 'in_progress', onCancel: fn(() => new Promise((resolve) => setTimeout(resolve, 800))) },
} satisfies Meta<typeof CancelRunButton>

export default meta
type Story = StoryObj<typeof meta>

export const Idle: Story = {}
export const Cancelling: Story = { args: { status: 'cancelling' } }
export const Cancelled: Story = { args: { status: 'cancelled' } }
/** A finished run cannot be cancelled. */
export const Unavailable: Story = { args: { status: 'completed' } }
/** The request fails: the optimistic state rolls back and the error is shown. */
export const CancelFails: Story = {
  args: {
    onCancel: fn(async () => {
      throw new Error('Network error')
    }),
  },
}

function LiveCancel(args: LiveArgs) {
  const live = useLiveRun(args)
  return (
    <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
      {live.run ? <RunStatusBadge status={live.run.status} /> : <span>Starting…</span>}
      <CancelRunButton status={live.run?.status} onCancel={live.cancel} />
    </div>
  )
}

/** A long streamed reply on the in-browser server: cancel it mid-stream. */
export const Live: StoryObj<LiveArgs> = {
  args: { prompt: '/long 400', tokenDelayMs: 40, cancelDelayMs: 1200, fault: 'none' },
  argTypes: liveArgTypes,
  render: (args) => <LiveCancel {...args} />,
}
