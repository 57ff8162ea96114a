import type { ApprovalToolCall, ToolApproval } from '@oai-runs/client'
import { requiredApprovals } from '@oai-runs/client'
import { RunTimeline, ToolApprovalForm } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { fn } from 'storybook/test'
import { type LiveArgs, liveArgTypes, useLiveRun } from './live'

const mcpCall: ApprovalToolCall = {
  id: 'call_delete',
  type: 'mcp',
  name: 'delete_page',
  arguments: '{"id":7,"reason":"duplicate"}',
  server_label: 'wiki',
}
const functionCall: ApprovalToolCall = {
  id: 'call_weather',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
}

const meta = {
  title: 'Components/ToolApprovalForm',
  component: ToolApprovalForm,
  args: {
    toolCalls: [mcpCall],
    runStatus: 'requires_action',
    onSubmit: fn(async (_approvals: ToolApproval[]) => new Promise((resolve) => setTimeout(resolve, 600))),
  },
} satisfies Meta<typeof ToolApprovalForm>

export default meta
type Story = StoryObj<typeof meta>

/** Azure AI Agents' `submit_tool_approval` for one hosted MCP call: approve or reject, then submit. */
export const OneMcpCall: Story = {}

/** Two calls, decided one by one; the submit waits for both. */
export const TwoCalls: Story = { args: { toolCalls: [mcpCall, functionCall] } }

/** Decisions already made (e.g. restored): ready to submit. */
export const Decided: Story = {
  args: { toolCalls: [mcpCall, functionCall], defaultValue: { call_delete: false, call_weather: true } },
}

/** The run no longer waits (cancelled meanwhile): the form is closed, decisions kept. */
export const Closed: Story = { args: { runStatus: 'cancelled', defaultValue: { call_delete: true } } }

function LiveApprovals(args: LiveArgs) {
  const live = useLiveRun(args)
  const run = live.run
  const toolCalls = requiredApprovals(run)
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      {run?.status === 'requires_action' && toolCalls.length ? (
        <ToolApprovalForm
          key={toolCalls.map((call) => call.id).join()}
          toolCalls={toolCalls}
          runStatus={run.status}
          onSubmit={live.submitToolApprovals}
        />
      ) : null}
      <RunTimeline run={run} steps={live.steps} messages={live.messages} live={live.live} />
    </div>
  )
}

/** Against the in-browser server: `/approve` lines become hosted MCP calls awaiting approval. */
export const Live: StoryObj<LiveArgs> = {
  args: {
    prompt: '/approve delete_page {"id":7}\n/approve list_pages {}',
    tokenDelayMs: 20,
    cancelDelayMs: 600,
    fault: 'none',
  },
  argTypes: liveArgTypes,
  render: (args) => <LiveApprovals {...args} />,
  parameters: { rendered: { selector: '[data-oai-tool-approval-field]', count: 2 } },
}
