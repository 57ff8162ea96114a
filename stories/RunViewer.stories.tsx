import { RunViewer } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { fn } from 'storybook/test'
import { codeInterpreter, completed, contentOptions, frozenNow, requiresActionParallel } from './fixtures'
import { type LiveArgs, liveArgTypes, useLiveRun } from './live'

const meta = {
  title: 'Components/RunViewer',
  component: RunViewer,
  args: {
    run: completed.run,
    steps: completed.steps,
    messages: completed.messages,
    now: frozenNow,
    contentOptions,
    onCancel: fn(),
    onSubmitToolOutputs: fn(),
    onSaveMetadata: fn(),
  },
} satisfies Meta<typeof RunViewer>

export default meta
type Story = StoryObj<typeof meta>

export const Completed: Story = {}
export const RequiresAction: Story = {
  args: { run: requiresActionParallel.run, steps: requiresActionParallel.steps, messages: [] },
}
export const CodeInterpreter: Story = {
  args: { run: codeInterpreter.run, steps: codeInterpreter.steps, messages: codeInterpreter.messages },
}

function LiveViewer(args: LiveArgs) {
  const live = useLiveRun(args)
  return (
    <>
      {live.error ? <p role="alert">Stream error: {live.error}</p> : null}
      <RunViewer
        run={live.run}
        steps={live.steps}
        messages={live.messages}
        live={live.live}
        onCancel={live.cancel}
        onSubmitToolOutputs={live.submitToolOutputs}
        onSaveMetadata={async (metadata) => {
          const run = live.run!
          await live.backend.client.runs.update({ threadId: run.thread_id, runId: run.id }, { metadata })
        }}
        handlers={{ get_weather: (input) => ({ city: (input as { city?: string }).city, celsius: 21 }) }}
      />
    </>
  )
}

/** The whole flow against the in-browser server, with controls for the prompt, pace and faults. */
export const Live: StoryObj<LiveArgs> = {
  args: { prompt: '/tool get_weather {"city":"Paris"}', tokenDelayMs: 20, cancelDelayMs: 600, fault: 'none' },
  argTypes: liveArgTypes,
  render: (args) => <LiveViewer {...args} />,
}
