// A run whose every model-, file- or server-provided field holds a right-to-left override: the scene of the
// bidi isolation tests (happy-dom here, Chromium in test/browser). Test support only.
import type { Message, RunStep } from '@oai-runs/client'
import { RunViewer } from '../run-viewer/RunViewer.tsx'
import { message, run, step, T0 } from './fixtures.ts'

/** `invoice‮fdp.exe`: displays as `invoiceexe.pdf`, and without isolation reverses the text after it too. */
export const HOSTILE = 'invoice\u202Efdp.exe'

const citedValue = `See [${HOSTILE}](https://example.com/docs) after the link, the cited file【4:0†source】 end.\n\nDownload [${HOSTILE}](sandbox:/mnt/data/report.csv) or sandbox:/mnt/data/${HOSTILE} now. Blocked [${HOSTILE}](javascript:alert(1)) here. ![${HOSTILE}](https://images.example.com/a.png) image, ![${HOSTILE}](javascript:alert(1)) blocked image.`

function hostileMessage(): Message {
  const base = message('msg_bidi', citedValue)
  const cite = '【4:0†source】'
  const sandboxLink = 'sandbox:/mnt/data/report.csv'
  const sandboxText = `sandbox:/mnt/data/${HOSTILE}`
  return {
    ...base,
    content: [
      {
        type: 'text',
        text: {
          value: citedValue,
          annotations: [
            {
              type: 'file_citation',
              text: cite,
              start_index: citedValue.indexOf(cite),
              end_index: citedValue.indexOf(cite) + cite.length,
              file_citation: { file_id: 'file-cited', quote: HOSTILE },
            },
            {
              type: 'file_path',
              text: sandboxLink,
              start_index: citedValue.indexOf(sandboxLink),
              end_index: citedValue.indexOf(sandboxLink) + sandboxLink.length,
              file_path: { file_id: 'file-report' },
            },
            {
              type: 'file_path',
              text: sandboxText,
              start_index: citedValue.indexOf(sandboxText),
              end_index: citedValue.indexOf(sandboxText) + sandboxText.length,
              file_path: { file_id: 'file-generated' },
            },
          ],
        },
      },
      { type: 'image_file', image_file: { file_id: HOSTILE } },
    ],
  }
}

function hostileSteps(): RunStep[] {
  return [
    step('tools', T0 + 1, {
      step_details: {
        type: 'tool_calls',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: HOSTILE, arguments: '{}', output: 'ok' } },
          {
            id: 'call_b',
            type: 'function',
            function: { name: 'second_tool', arguments: '{}', output: 'ok' },
          },
          {
            id: 'call_fs',
            type: 'file_search',
            file_search: {
              results: [
                { file_id: 'file-1', file_name: HOSTILE, score: 0.9 },
                { file_id: 'file-2', file_name: 'plain.txt', score: 0.5 },
              ],
            },
          },
          {
            id: 'call_ci',
            type: 'code_interpreter',
            code_interpreter: {
              input: 'print(1)',
              outputs: [{ type: 'image', image: { file_id: HOSTILE } }],
            },
          },
        ],
      },
    }),
    step('failed', T0 + 2, {
      status: 'failed',
      last_error: { code: 'server_error', message: HOSTILE },
    }),
    step('message', T0 + 3, {
      type: 'message_creation',
      step_details: { type: 'message_creation', message_creation: { message_id: 'msg_bidi' } },
    }),
  ]
}

/** RunViewer over the hostile run: timeline, steps, tool calls, message, tool-output form and metadata editor. */
export function HostileRunViewer({ onSubmit = () => {} }: { onSubmit?: () => void }) {
  const hostileRun = run({
    status: 'requires_action',
    model: HOSTILE,
    last_error: { code: 'server_error', message: HOSTILE },
    metadata: { [HOSTILE]: HOSTILE },
    required_action: {
      type: 'submit_tool_outputs',
      submit_tool_outputs: {
        tool_calls: [
          {
            id: `call_${HOSTILE}`,
            type: 'function',
            function: { name: HOSTILE, arguments: `{"${HOSTILE}": 1}` },
          },
        ],
      },
    },
    tools: [
      {
        type: 'function',
        function: {
          name: HOSTILE,
          parameters: {
            type: 'object',
            properties: {},
            additionalProperties: false,
            required: [HOSTILE.slice(1)],
          },
        },
      },
    ],
  })
  return (
    <RunViewer
      run={hostileRun}
      steps={hostileSteps()}
      messages={[hostileMessage()]}
      onSubmitToolOutputs={onSubmit}
      onSaveMetadata={() => {}}
      handlers={{
        [HOSTILE]: () => {
          throw new Error(HOSTILE)
        },
      }}
      now={() => (T0 + 10) * 1000}
      contentOptions={{
        getFileName: () => HOSTILE,
        getFileUrl: (id) => (id === 'file-report' ? '/files/report' : null),
      }}
    />
  )
}

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/

// Block containers: a text node alone in one is a paragraph of its own, isolated by the layout.
const BLOCKS = new Set([
  'P',
  'PRE',
  'LI',
  'DD',
  'DT',
  'DIV',
  'BLOCKQUOTE',
  'TD',
  'TH',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
])

/** Every rendered text node of `root` that holds a bidi control, in document order. */
export function textWithBidiControls(root: Node): Text[] {
  const nodes: Text[] = []
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  while (walker.nextNode()) {
    const node = walker.currentNode as Text
    if (BIDI_CONTROL.test(node.data) && !node.parentElement?.closest('script, style, textarea, template')) {
      nodes.push(node)
    }
  }
  return nodes
}

/**
 * Why `node` is not isolated from the text around it, or null when it is: it must be the whole content of a
 * `<bdi>` (or of an element with `unicode-bidi: isolate`), or alone in a block of its own.
 */
export function notIsolated(node: Text): string | null {
  const parent = node.parentElement
  if (!parent) {
    return 'no parent'
  }
  const isolate = parent.closest('bdi, [style*="unicode-bidi"]')
  if (isolate && isolate.textContent === node.data) {
    return null
  }
  if (BLOCKS.has(parent.tagName) && parent.textContent === node.data) {
    return null
  }
  const context = (parent.closest('p, li, div') ?? parent).textContent ?? ''
  return `${JSON.stringify(node.data)} in <${parent.tagName.toLowerCase()}> of ${JSON.stringify(context.slice(0, 120))}`
}
