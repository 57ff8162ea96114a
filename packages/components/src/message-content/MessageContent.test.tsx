import type { Annotation, MessageContent as MessageContentPart } from '@oai-runs/client'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test, vi } from 'vitest'
import { MessageContent } from './MessageContent.tsx'
import { countParseWork, parseMarkdown } from './markdown.ts'
import { splitContentOptions } from './options.ts'

function text(value: string, annotations: Annotation[] = []): MessageContentPart[] {
  return [{ type: 'text', text: { value, annotations } }]
}

test('renders Markdown as elements: headings, emphasis, code, lists, tables', () => {
  const { container } = render(
    <MessageContent
      content={text(
        '# Title\n\nSome **bold**, *em* and `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```py\nprint(1)\n```',
      )}
    />,
  )
  expect(screen.getByRole('heading', { name: 'Title' })).toBeTruthy()
  expect(container.querySelector('strong')?.textContent).toBe('bold')
  expect(container.querySelector('em')?.textContent).toBe('em')
  expect(screen.getAllByRole('listitem')).toHaveLength(2)
  expect(screen.getByRole('table')).toBeTruthy()
  expect(container.querySelector('pre code.language-py')?.textContent).toBe('print(1)')
})

// R1: javascript:, data: and vbscript: links are inert in any case, with whitespace and control characters.
test.each([
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  ' \u0001javascript:alert(1)',
  '\u0000javascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'DATA:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'javascript&#58;alert(1)',
  '/relative/path',
])('R1: a link to %j is inert (no href)', (href) => {
  const { container } = render(<MessageContent content={text(`[click me](${href.replace(/\n/g, '\\n')})`)} />)
  // Put the raw control characters in through the content value rather than Markdown escaping.
  render(<MessageContent content={text(`[raw](<${href}>)`)} />)
  for (const anchor of Array.from(document.querySelectorAll('a'))) {
    expect(anchor.getAttribute('href') ?? '').not.toMatch(/^\s*(javascript|data|vbscript)/i)
  }
  expect(container.querySelector('a[href]')).toBeNull()
  expect(screen.queryAllByRole('link')).toHaveLength(0)
})

test('R2: raw HTML renders as text; no element is created from it', () => {
  const payload =
    '<script>alert(1)</script> <img src=x onerror=alert(1)> <iframe src="https://evil"></iframe> <svg onload=alert(1)>'
  const { container } = render(<MessageContent content={text(payload)} />)
  expect(container.querySelector('script, img, iframe, svg')).toBeNull()
  expect(container.textContent).toContain('<script>alert(1)</script>')
  expect(container.textContent).toContain('<img src=x onerror=alert(1)>')
})

test('R3: remote images are not loaded until clicked unless their origin is allowlisted', async () => {
  const user = userEvent.setup()
  const { container } = render(
    <MessageContent
      content={text('![secret](https://evil.example/?q=token) ![logo](https://cdn.example.com/logo.png)')}
      allowedImageOrigins={['https://cdn.example.com']}
    />,
  )
  const images = Array.from(container.querySelectorAll('img'))
  expect(images.map((img) => img.getAttribute('src'))).toEqual(['https://cdn.example.com/logo.png'])
  await user.click(screen.getByRole('button', { name: /load image “secret” from evil\.example/i }))
  expect(screen.getByRole('img', { name: 'secret' }).getAttribute('src')).toBe(
    'https://evil.example/?q=token',
  )
})

test('R3: data: and javascript: images are never loaded, not even on click', () => {
  const { container } = render(
    <MessageContent content={text('![x](data:image/png;base64,AAAA) ![y](javascript:1)')} />,
  )
  expect(container.querySelector('img')).toBeNull()
  expect(screen.queryByRole('button')).toBeNull()
})

test('R4: an unclosed fence and a half-typed link mid-stream render without crashing; the final render is correct', () => {
  const { container, rerender } = render(
    <MessageContent content={text('See [the docs](https://exa')} status="in_progress" />,
  )
  expect(container.textContent).toBe('See the docs')
  expect(container.querySelector('a')).toBeNull()
  rerender(<MessageContent content={text('See [the docs](https://example.com)')} status="completed" />)
  expect(screen.getByRole('link', { name: 'the docs' }).getAttribute('href')).toBe('https://example.com/')

  rerender(<MessageContent content={text('Code:\n```js\nconst a = 1')} status="in_progress" />)
  expect(container.querySelector('pre')?.getAttribute('data-state')).toBe('open')
  expect(container.querySelector('pre')?.textContent).toBe('const a = 1')
  rerender(<MessageContent content={text('Code:\n```js\nconst a = 1\n```')} status="completed" />)
  expect(container.querySelector('pre')?.getAttribute('data-state')).toBe('closed')
})

test('R4: half-typed emphasis while streaming shows as emphasis, not asterisks', () => {
  const { container } = render(<MessageContent content={text('This is **impor')} status="in_progress" />)
  expect(container.querySelector('strong')?.textContent).toBe('impor')
  expect(container.textContent).not.toContain('*')
})

test('R5: model links get rel="noopener noreferrer nofollow" and heading ids are prefixed', () => {
  render(<MessageContent messageId="msg_1" content={text('## Results\n\n[site](https://example.com)')} />)
  expect(screen.getByRole('link', { name: 'site' }).getAttribute('rel')).toBe('noopener noreferrer nofollow')
  expect(screen.getByRole('heading', { name: 'Results' }).id).toBe('user-content-msg_1-results')
})

test('R6: citations become footnotes even when offsets count code points (emoji)', () => {
  const value = '😀 The answer【4:0†source】.'
  const marker = '【4:0†source】'
  // Offsets in code points: the emoji counts 1, not 2.
  const start = Array.from(value).join('').indexOf(marker) - 1
  const annotations: Annotation[] = [
    {
      type: 'file_citation',
      text: marker,
      start_index: start,
      end_index: start + Array.from(marker).length,
      file_citation: { file_id: 'file-abc', quote: 'forty-two' },
    },
  ]
  const { container } = render(
    <MessageContent messageId="m" content={text(value, annotations)} getFileName={() => 'answers.pdf'} />,
  )
  expect(container.textContent).not.toContain('【4:0†source】')
  expect(screen.getByRole('link', { name: 'Source 1' }).getAttribute('href')).toBe('#user-content-m-fn-1')
  const sources = screen.getByRole('region', { name: 'Sources' })
  expect(sources.textContent).toContain('answers.pdf')
  expect(sources.textContent).toContain('forty-two')
})

test('R6: file_path annotations link only through getFileUrl; without it they are plain text', () => {
  const value = 'Download [chart](sandbox:/mnt/data/chart.png)'
  const marker = 'sandbox:/mnt/data/chart.png'
  const start = value.indexOf(marker)
  const annotations: Annotation[] = [
    {
      type: 'file_path',
      text: marker,
      start_index: start,
      end_index: start + marker.length,
      file_path: { file_id: 'file-9' },
    },
  ]
  const { unmount } = render(<MessageContent content={text(value, annotations)} />)
  expect(screen.queryByRole('link')).toBeNull()
  unmount()
  render(<MessageContent content={text(value, annotations)} getFileUrl={(id) => `/api/files/${id}`} />)
  expect(screen.getByRole('link', { name: 'chart' }).getAttribute('href')).toBe('/api/files/file-9')
})

test('R6: an annotation whose text is nowhere in the value falls back to a footnote only', () => {
  const annotations: Annotation[] = [
    {
      type: 'file_citation',
      text: '【9:9†x】',
      start_index: 0,
      end_index: 5,
      file_citation: { file_id: 'file-x' },
    },
  ]
  const { container } = render(<MessageContent content={text('Plain text', annotations)} />)
  expect(container.querySelector('p')?.textContent).toBe('Plain text')
  expect(screen.getByRole('region', { name: 'Sources' }).textContent).toContain('file-x')
})

test('R6: model text cannot forge annotation placeholders', () => {
  const { container } = render(<MessageContent content={text('fake \uE0000\uE001 marker')} />)
  expect(container.querySelector('sup')).toBeNull()
  expect(container.textContent).toBe('fake 0 marker')
})

// The parser counts its work (characters scanned, delimiter-stack entries visited): doubling the input may at most
// double it, with a little slack for constant overheads. A count, not a clock, so a busy machine cannot fail it.
const growthCases: Record<string, (n: number) => string> = {
  'mixed Markdown': (n) =>
    'Lorem ipsum **dolor** sit amet, [link](https://example.com) `x` _y_ ~~z~~\n'.repeat(n),
  'paragraphs, lists, quotes and a table': (n) =>
    '# Title\n\n- one\n  - two\n> quote *a*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'.repeat(n),
  '`*a` repeated': (n) => '*a'.repeat(n),
  '`*a_` repeated': (n) => '*a_'.repeat(n),
  'a long emphasis run': (n) => `${'*'.repeat(n)}a${'*'.repeat(n)}`,
  'mismatched emphasis runs': (n) => `${'*'.repeat(n)}a${'_'.repeat(n)}`,
  'unclosed brackets and parentheses': (n) => '['.repeat(n) + '('.repeat(n),
  'nested links': (n) => `${'['.repeat(n)}a${'](b)'.repeat(n)}`,
  'nested images': (n) => `${'!['.repeat(n)}a${'](b)'.repeat(n)}`,
  'repeated `[a](`': (n) => '[a]('.repeat(n),
  'backtick runs of many lengths': (n) =>
    Array.from({ length: n }, (_, i) => '`'.repeat((i % 40) + 1)).join('a'),
  'unmatched backticks': (n) => '`a'.repeat(n),
  'angle brackets': (n) => '<'.repeat(n),
  'bare URL starts': (n) => 'http://'.repeat(n),
  'nested quote markers': (n) => '>'.repeat(n),
  'deeply indented lists': (n) =>
    Array.from({ length: n }, (_, i) => `${'  '.repeat(i % 8)}- item`).join('\n'),
}

describe('parse work grows linearly with the input', () => {
  const N = 2000
  for (const [name, make] of Object.entries(growthCases)) {
    for (const streaming of [false, true]) {
      test(`${name}${streaming ? ' (streaming)' : ''}`, () => {
        const small = make(N)
        const large = make(2 * N)
        const workSmall = countParseWork(() => parseMarkdown(small, { streaming }))
        const workLarge = countParseWork(() => parseMarkdown(large, { streaming }))
        // The counter sees every character at least once, so a counter that stopped counting fails here.
        expect(workSmall).toBeGreaterThanOrEqual(small.length)
        expect(workLarge).toBeLessThanOrEqual(2.2 * workSmall)
      })
    }
  }
})

test('the work counter tells quadratic from linear', () => {
  // What the assertion above is for: an input parsed once per prefix grows 4x when doubled.
  const quadratic = (n: number) =>
    countParseWork(() => {
      for (let i = 1; i <= n; i++) {
        parseMarkdown('*a'.repeat(i))
      }
    })
  expect(quadratic(200)).toBeGreaterThan(3.5 * quadratic(100))
})

test('pathological input renders whole: emphasis runs, nested images and quote markers', () => {
  const { container } = render(
    <MessageContent
      content={text(
        `${'*a_'.repeat(5_000)}\n\n${'!['.repeat(2_000)}a${'](b)'.repeat(2_000)}\n\n${'> '.repeat(5_000)}`,
      )}
    />,
  )
  expect(container.textContent).toContain('*a_'.repeat(10))
  expect(container.textContent?.length).toBeGreaterThan(15_000)
})

test('renders image_file through getFileUrl, image_url click-to-load, and refusals as text', () => {
  render(
    <MessageContent
      content={[
        { type: 'image_file', image_file: { file_id: 'file-img' } },
        { type: 'image_url', image_url: { url: 'https://img.example/cat.png' } },
        { type: 'refusal', refusal: 'I cannot help with that.' },
      ]}
      getFileUrl={(id) => `/files/${id}`}
    />,
  )
  expect(screen.getByRole('img', { name: 'Attached file file-img' }).getAttribute('src')).toBe(
    '/files/file-img',
  )
  expect(screen.getByRole('button', { name: /load image/i })).toBeTruthy()
  expect(screen.getByText('I cannot help with that.')).toBeTruthy()
})

test('streaming text is announced once, on completion, not per token', () => {
  const { rerender } = render(<MessageContent content={text('Hel')} status="in_progress" />)
  const live = screen.getByRole('status')
  rerender(<MessageContent content={text('Hello wor')} status="in_progress" />)
  expect(live.textContent).toBe('')
  rerender(<MessageContent content={text('Hello **world**')} status="completed" />)
  expect(live.textContent).toBe('Hello world')
})

test('options stay out of the DOM; equal options keep the context, a changed one updates the parts', () => {
  const [textPart] = text('# Title\n\n[docs](https://example.com/docs)')
  const imagePart = { type: 'image_file' as const, image_file: { file_id: 'file-chart' } }
  const content = [textPart!, imagePart]
  // MessageContent.Image resolves its file on every render, so the calls count its renders.
  const getFileUrl = vi.fn((id: string) => `/files/${id}`)
  // Created once: the parts re-render only when the context they read changes, not because their parent did.
  const parts = (
    <>
      {textPart?.type === 'text' ? <MessageContent.Text part={textPart} index={0} /> : null}
      <MessageContent.Image part={imagePart} />
    </>
  )
  const { container, rerender } = render(
    <MessageContent.Root content={content} data-tick="1" {...{ getFileUrl, linkTarget: '_blank' }}>
      {parts}
    </MessageContent.Root>,
  )
  const root = container.firstElementChild!
  expect(root.getAttributeNames().sort()).toEqual(['data-state', 'data-tick'])
  expect(screen.getByRole('link', { name: 'docs' }).getAttribute('target')).toBe('_blank')
  expect(getFileUrl).toHaveBeenCalledTimes(1)

  // A fresh but equal options object (what a container spreading `contentOptions` passes): no re-render.
  rerender(
    <MessageContent.Root content={content} data-tick="2" {...{ getFileUrl, linkTarget: '_blank' }}>
      {parts}
    </MessageContent.Root>,
  )
  expect(root.getAttribute('data-tick')).toBe('2')
  expect(getFileUrl).toHaveBeenCalledTimes(1)

  rerender(
    <MessageContent.Root
      content={content}
      data-tick="3"
      {...{ getFileUrl, linkTarget: '_self', headingOffset: 1 }}
    >
      {parts}
    </MessageContent.Root>,
  )
  expect(getFileUrl).toHaveBeenCalledTimes(2)
  expect(screen.getByRole('link', { name: 'docs' }).getAttribute('target')).toBe('_self')
  expect(screen.getByRole('heading', { name: 'Title' }).tagName).toBe('H2')
})

test('splitContentOptions separates every option from the other props', () => {
  const getFileUrl = () => null
  const [options, rest] = splitContentOptions({
    getFileUrl,
    getFileName: undefined,
    allowedImageOrigins: ['https://cdn.example.com'],
    linkTarget: '_blank',
    headingOffset: 2,
    className: 'x',
    'aria-label': 'Message',
  })
  expect(options).toEqual({
    getFileUrl,
    getFileName: undefined,
    allowedImageOrigins: ['https://cdn.example.com'],
    linkTarget: '_blank',
    headingOffset: 2,
  })
  expect(rest).toEqual({ className: 'x', 'aria-label': 'Message' })
})
