import { RunTimeline } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import {
  cancelled,
  cancelling,
  codeInterpreter,
  completed,
  contentOptions,
  expired,
  type Fixture,
  failed,
  fileSearch,
  frozenNow,
  incomplete,
  longRun,
  queued,
  requiresActionOne,
  requiresActionParallel,
  streaming,
} from './fixtures'
import { type LiveArgs, liveArgTypes, useLiveRun } from './live'

const from = (fixture: Fixture) => ({ run: fixture.run, steps: fixture.steps, messages: fixture.messages })

const meta = {
  title: 'Components/RunTimeline',
  component: RunTimeline,
  args: { ...from(completed), now: frozenNow, contentOptions },
} satisfies Meta<typeof RunTimeline>

export default meta
type Story = StoryObj<typeof meta>

export const Queued: Story = { args: from(queued) }
export const Streaming: Story = { args: { ...from(streaming), live: true } }
/** Waiting for one tool output, with the expiry countdown. */
export const RequiresAction: Story = { args: from(requiresActionOne) }
export const RequiresActionParallel: Story = { args: from(requiresActionParallel) }
export const Cancelling: Story = { args: from(cancelling) }
export const Cancelled: Story = { args: from(cancelled) }
export const Failed: Story = { args: from(failed) }
export const Expired: Story = { args: from(expired) }
export const Incomplete: Story = { args: from(incomplete) }
export const Completed: Story = {}
export const CodeInterpreterWithImage: Story = { args: from(codeInterpreter) }
export const FileSearchWithCitations: Story = { args: from(fileSearch) }
/** 120 steps. */
export const LongRun: Story = { args: from(longRun) }
export const Loading: Story = { args: { run: null, steps: [] } }

function LiveTimeline(args: LiveArgs) {
  const live = useLiveRun(args)
  return (
    <>
      {live.error ? <p role="alert">{live.error}</p> : null}
      <RunTimeline run={live.run} steps={live.steps} messages={live.messages} live={live.live} />
    </>
  )
}

/** Streams from the in-browser server; try `/code print(1)`, `/search refunds`, `/fail server_error`, `/long 80`. */
export const Live: StoryObj<LiveArgs> = {
  args: { prompt: 'Hello! Tell me about **runs**.', tokenDelayMs: 20, cancelDelayMs: 600, fault: 'none' },
  argTypes: liveArgTypes,
  render: (args) => <LiveTimeline {...args} />,
}
