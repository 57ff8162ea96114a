import type { MessageContent as MessageContentPart } from '@oai-runs/client'
import { MessageContent } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState } from 'react'
import { fileSearch, getFileName, getFileUrl, maliciousMarkdown, richMarkdown } from './fixtures'

const text = (value: string): MessageContentPart[] => [{ type: 'text', text: { value, annotations: [] } }]

const meta = {
  title: 'Components/MessageContent',
  component: MessageContent,
  args: { content: text(richMarkdown), status: 'completed' },
} satisfies Meta<typeof MessageContent>

export default meta
type Story = StoryObj<typeof meta>

export const Markdown: Story = {}

function StreamingDemo({ source, delayMs }: { source: string; delayMs: number }) {
  const [length, setLength] = useState(0)
  useEffect(() => {
    setLength(0)
    const timer = setInterval(() => setLength((value) => Math.min(source.length, value + 3)), delayMs)
    return () => clearInterval(timer)
  }, [source, delayMs])
  const done = length >= source.length
  return (
    <MessageContent content={text(source.slice(0, length))} status={done ? 'completed' : 'in_progress'} />
  )
}

/** Partial Markdown while tokens arrive: no flicker of `**` or half links; announced once on completion. */
export const Streaming: Story = {
  argTypes: { delayMs: { control: { type: 'range', min: 5, max: 200 } } } as never,
  render: (args) => (
    <StreamingDemo source={richMarkdown} delayMs={(args as { delayMs?: number }).delayMs ?? 30} />
  ),
}

/** Half-typed syntax at the end of a stream: emphasis, a link and an open fence. */
export const StreamingPartialSyntax: Story = {
  args: { content: text('Checking **the docs at [the site](https://exa'), status: 'in_progress' },
}

export const UnclosedCodeFence: Story = {
  args: {
    content: text('Here is the code:\n\n```python\nfor i in range(3):\n    print(i)'),
    status: 'in_progress',
  },
}

/** file_citation annotations as footnotes with file names and quotes. */
export const Citations: Story = {
  args: { content: fileSearch.messages[0]!.content, getFileName, messageId: 'msg_fs' },
}

export const FilePathLink: Story = {
  args: {
    content: [
      {
        type: 'text',
        text: {
          value: 'Download [the report](sandbox:/mnt/data/report.csv).',
          annotations: [
            {
              type: 'file_path',
              text: 'sandbox:/mnt/data/report.csv',
              start_index: 29,
              end_index: 57,
              file_path: { file_id: 'file-report' },
            },
          ],
        },
      },
    ],
    getFileUrl,
  },
}

/** image_file through `getFileUrl`, remote image_url click-to-load. */
export const Images: Story = {
  args: {
    content: [
      { type: 'image_file', image_file: { file_id: 'file-img-chart' } },
      { type: 'image_url', image_url: { url: 'https://images.example.com/cat.png' } },
      ...text('Inline remote image: ![diagram](https://cdn.example.org/diagram.png)'),
    ],
    getFileUrl,
  },
}

/** R1–R3: script links inert, raw HTML as text, tracking pixel not loaded. */
export const MaliciousMarkdown: Story = { args: { content: text(maliciousMarkdown) } }

export const Refusal: Story = {
  args: { content: [{ type: 'refusal', refusal: 'I can’t help with that request.' }] },
}

const LONG_PARAGRAPHS = 120

/** 200 KB of Markdown renders without hanging (R7). */
export const LongMessage: Story = {
  args: {
    content: text(
      'Paragraph with **bold**, *em* and `code`. '.repeat(40).concat('\n\n').repeat(LONG_PARAGRAPHS),
    ),
  },
  parameters: {
    // The test waits for every paragraph, then has axe check the story with its first three paragraphs: the other
    // 117 are the same markup again (14,000 inline elements that only made axe slow, not the check stronger).
    rendered: { selector: '[data-oai-part="text"] > p', count: LONG_PARAGRAPHS },
    a11y: { context: { exclude: ['[data-oai-part="text"] > p:nth-of-type(n+4)'] } },
  },
}
