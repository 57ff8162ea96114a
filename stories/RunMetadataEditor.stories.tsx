import { RunMetadataEditor } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { fn } from 'storybook/test'

const meta = {
  title: 'Components/RunMetadataEditor',
  component: RunMetadataEditor,
  args: {
    metadata: { ticket: 'SUP-1042', channel: 'web' },
    onSave: fn(() => new Promise((resolve) => setTimeout(resolve, 400))),
  },
} satisfies Meta<typeof RunMetadataEditor>

export default meta
type Story = StoryObj<typeof meta>

export const Default: Story = {}
export const Empty: Story = { args: { metadata: {} } }
/** 16 pairs: the spec's limit; "Add" is disabled. */
export const AtPairLimit: Story = {
  args: {
    metadata: Object.fromEntries(
      Array.from({ length: 16 }, (_, index) => [`key_${index + 1}`, `value ${index + 1}`]),
    ),
  },
}
/** A 70-character key and a 600-character value break the limits. */
export const OverLimits: Story = { args: { metadata: { ['k'.repeat(70)]: 'ok', note: 'v'.repeat(600) } } }
export const SaveFails: Story = {
  args: {
    onSave: fn(async () => {
      throw new Error("Invalid 'metadata': too many keys.")
    }),
  },
}
