import type { Run } from '@oai-runs/client'
import { RunList } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { fn } from 'storybook/test'
import { cancelled, completed, failed, makeRun, requiresActionOne, T0 } from './fixtures'

const runs: Run[] = [
  { ...requiresActionOne.run, id: 'run_004', created_at: T0 + 300 },
  { ...failed.run, id: 'run_003', created_at: T0 + 200 },
  { ...cancelled.run, id: 'run_002', created_at: T0 + 100 },
  { ...completed.run, id: 'run_001' },
]

const meta = {
  title: 'Components/RunList',
  component: RunList,
  args: { runs, selectedRunId: 'run_003', onSelect: fn() },
} satisfies Meta<typeof RunList>

export default meta
type Story = StoryObj<typeof meta>

export const Default: Story = {}
export const Empty: Story = { args: { runs: [] } }

const many = Array.from({ length: 45 }, (_, index) =>
  makeRun({
    id: `run_${String(45 - index).padStart(3, '0')}`,
    created_at: T0 + (45 - index) * 60,
    status: index % 5 ? 'completed' : 'failed',
  }),
)

function Infinite() {
  const [count, setCount] = useState(10)
  const [loading, setLoading] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  return (
    <RunList
      runs={many.slice(0, count)}
      selectedRunId={selected}
      onSelect={(run) => setSelected(run.id)}
      hasMore={count < many.length}
      isLoading={loading}
      onLoadMore={() => {
        setLoading(true)
        setTimeout(() => {
          setCount((value) => value + 10)
          setLoading(false)
        }, 300)
      }}
    />
  )
}

/** 45 runs paged 10 at a time. */
export const InfiniteLoading: Story = { render: () => <Infinite /> }
