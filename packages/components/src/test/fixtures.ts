// Small fixtures for the component tests (the stories have richer ones under /stories).
import type { Message, Run, RunStep } from '@oai-runs/client'

export const T0 = 1_767_225_600

export function run(patch: Partial<Run> = {}): Run {
  return {
    id: 'run_1',
    object: 'thread.run',
    created_at: T0,
    thread_id: 'thread_1',
    assistant_id: 'asst_1',
    status: 'in_progress',
    required_action: null,
    last_error: null,
    expires_at: T0 + 600,
    started_at: T0 + 1,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [],
    metadata: {},
    usage: null,
    ...patch,
  }
}

export function step(id: string, at: number, patch: Partial<RunStep> = {}): RunStep {
  return {
    id,
    object: 'thread.run.step',
    created_at: at,
    assistant_id: 'asst_1',
    thread_id: 'thread_1',
    run_id: 'run_1',
    type: 'tool_calls',
    status: 'completed',
    step_details: {
      type: 'tool_calls',
      tool_calls: [
        { id: `call_${id}`, type: 'function', function: { name: `fn_${id}`, arguments: '{}', output: 'ok' } },
      ],
    },
    last_error: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: at + 1,
    ...patch,
  }
}

export function message(id: string, text: string, status: Message['status'] = 'completed'): Message {
  return {
    id,
    object: 'thread.message',
    created_at: T0 + 3,
    thread_id: 'thread_1',
    status,
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: 'assistant',
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: 'asst_1',
    run_id: 'run_1',
    attachments: null,
  }
}
