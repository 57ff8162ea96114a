import { RunStatusBadge } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'

const meta = {
  title: 'Components/RunStatusBadge',
  component: RunStatusBadge,
  args: { status: 'in_progress' },
  argTypes: {
    status: {
      control: 'select',
      options: [
        'queued',
        'in_progress',
        'requires_action',
        'cancelling',
        'cancelled',
        'failed',
        'completed',
        'incomplete',
        'expired',
      ],
    },
  },
} satisfies Meta<typeof RunStatusBadge>

export default meta
type Story = StoryObj<typeof meta>

export const Playground: Story = {}

export const AllStatuses: Story = {
  render: () => (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
      {[
        'queued',
        'in_progress',
        'requires_action',
        'cancelling',
        'cancelled',
        'failed',
        'completed',
        'incomplete',
        'expired',
      ].map((status) => (
        <RunStatusBadge key={status} status={status} />
      ))}
    </div>
  ),
}

/** A status from a future API version is shown raw (checklist C7). */
export const UnknownStatus: Story = { args: { status: 'paused_for_review' } }
