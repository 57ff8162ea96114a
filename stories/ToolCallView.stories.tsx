import { ToolCallView } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { codeInterpreter, completed, fileSearch, getFileUrl, malformedCall } from './fixtures'

const firstCall = (fixture: typeof completed) => {
  const details = fixture.steps.find((step) => step.type === 'tool_calls')!.step_details
  if (details.type !== 'tool_calls') {
    throw new Error('fixture has no tool calls')
  }
  return details.tool_calls[0]!
}

const meta = {
  title: 'Components/ToolCallView',
  component: ToolCallView,
  args: { toolCall: firstCall(completed), getFileUrl },
} satisfies Meta<typeof ToolCallView>

export default meta
type Story = StoryObj<typeof meta>

export const FunctionCall: Story = {}

export const FunctionAwaitingOutput: Story = {
  args: {
    toolCall: {
      id: 'call_w',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}', output: null },
    },
  },
}

/** F8: malformed arguments shown raw. */
export const MalformedArguments: Story = { args: { toolCall: malformedCall } }

export const CodeInterpreterWithImage: Story = { args: { toolCall: firstCall(codeInterpreter) } }

export const FileSearchWithContent: Story = { args: { toolCall: firstCall(fileSearch) } }

/** A call of another host's type (Azure AI Agents' `mcp`): its type and name, its details as collapsible JSON. */
export const HostedMcpCall: Story = {
  args: {
    toolCall: {
      id: 'call_mcp',
      type: 'mcp',
      server_label: 'wiki',
      name: 'search',
      arguments: '{"q":"runs api"}',
      output: '{"hits":3}',
    },
  },
}

/** Another unknown type (`bing_grounding`), with hostile text shown as text and its bidi control escaped. */
export const HostedBingGrounding: Story = {
  args: {
    toolCall: {
      id: 'call_bing',
      type: 'bing_grounding',
      bing_grounding: {
        requesturl: 'https://api.bing.example/search?q=<b>weather</b>',
        title: 'invoice\u202Efdp.exe',
      },
    },
  },
}
