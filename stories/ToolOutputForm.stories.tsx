import type { ToolOutput } from '@oai-runs/client'
import { ToolOutputsMismatchError } from '@oai-runs/client'
import { RunTimeline, ToolOutputForm } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { fn } from 'storybook/test'
import { frozenNow, requiresActionOne, requiresActionParallel, T0 } from './fixtures'
import { type LiveArgs, liveArgTypes, useLiveRun } from './live'

const calls = (fixture: typeof requiresActionOne) =>
  fixture.run.required_action!.submit_tool_outputs!.tool_calls

const meta = {
  title: 'Components/ToolOutputForm',
  component: ToolOutputForm,
  args: {
    toolCalls: calls(requiresActionOne),
    tools: requiresActionOne.run.tools,
    expiresAt: requiresActionOne.run.expires_at,
    runStatus: 'requires_action',
    now: frozenNow,
    onSubmit: fn(async (_outputs: ToolOutput[]) => new Promise((resolve) => setTimeout(resolve, 600))),
  },
} satisfies Meta<typeof ToolOutputForm>

export default meta
type Story = StoryObj<typeof meta>

export const OneCall: Story = {}

/** Two parallel calls answered in one request (F1). */
export const ParallelCalls: Story = { args: { toolCalls: calls(requiresActionParallel) } }

export const Prefilled: Story = {
  args: { defaultValue: { call_weather: '{"celsius":18,"sky":"light rain"}' } },
}

/** The server rejects with "Expected tool outputs for call_ids …": shown on the field, values kept (F2). */
export const ServerMismatchError: Story = {
  args: {
    defaultValue: { call_weather: '18 °C' },
    onSubmit: fn(async (_outputs: ToolOutput[]) => {
      throw new ToolOutputsMismatchError({
        status: 400,
        error: { message: "Expected tool outputs for call_ids ['call_new'], got ['call_weather']" },
        expected: ['call_new'],
        received: ['call_weather'],
      })
    }),
  },
}

/** Less than a minute left: the countdown turns urgent. */
export const AboutToExpire: Story = { args: { now: () => (T0 + 600 - 42) * 1000 } }

/** Expired: read-only values for copying, "Start a new run" offered (F4). */
export const Expired: Story = {
  args: { runStatus: 'expired', defaultValue: { call_weather: '{"celsius":18}' }, onRestart: fn() },
}

/** Cancelled elsewhere while the form was open (F5). */
export const ClosedElsewhere: Story = {
  args: { runStatus: 'cancelled', defaultValue: { call_weather: 'sunny' } },
}

/** Malformed arguments are shown raw; the form stays usable (F8). */
export const MalformedArguments: Story = {
  args: {
    toolCalls: [
      { id: 'call_bad', type: 'function', function: { name: 'get_weather', arguments: '{"city": Par' } },
    ],
  },
}

/** Client-side handlers fill the outputs; one throws and is named (F10). */
export const WithHandlers: Story = {
  args: {
    toolCalls: calls(requiresActionParallel),
    handlers: {
      get_weather: (args) => ({ city: (args as { city: string }).city, celsius: 18 }),
      get_time: () => {
        throw new Error('the clock service is down')
      },
    },
  },
}

function LiveForm(args: LiveArgs) {
  const live = useLiveRun(args)
  const run = live.run
  const toolCalls = run?.required_action?.submit_tool_outputs?.tool_calls ?? []
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      {run?.status === 'requires_action' && toolCalls.length ? (
        <ToolOutputForm
          key={toolCalls.map((call) => call.id).join()}
          toolCalls={toolCalls}
          tools={run.tools}
          expiresAt={run.expires_at}
          runStatus={run.status}
          onSubmit={live.submitToolOutputs}
        />
      ) : null}
      <RunTimeline run={run} steps={live.steps} messages={live.messages} live={live.live} />
    </div>
  )
}

/** Against the in-browser server: `/tool` lines become parallel calls; submit to continue the run. */
export const Live: StoryObj<LiveArgs> = {
  args: {
    prompt: '/tool get_weather {"city":"Paris"}\n/tool get_time {"timezone":"Europe/Paris"}',
    tokenDelayMs: 20,
    cancelDelayMs: 600,
    fault: 'none',
  },
  argTypes: liveArgTypes,
  render: (args) => <LiveForm {...args} />,
}
