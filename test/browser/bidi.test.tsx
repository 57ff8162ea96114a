// Bidi isolation measured in Chromium's layout: a field holding a right-to-left override stays one unit, and the
// text after it is laid out after it (not reversed into the middle of the field).
import { act, render, waitFor } from '@testing-library/react'
import { expect, test } from 'vitest'
import { HOSTILE, HostileRunViewer, textWithBidiControls } from '../../packages/components/src/test/bidi.tsx'

function rect(node: Text, start = 0, end = node.length): DOMRect {
  const range = document.createRange()
  range.setStart(node, start)
  range.setEnd(node, end)
  return range.getBoundingClientRect()
}

function blockOf(node: Node): Element {
  let element = node.parentElement!
  while (element.parentElement && getComputedStyle(element).display.startsWith('inline')) {
    element = element.parentElement
  }
  return element
}

// The first visible character after `node` in the same block: its text node and offset.
function nextCharacter(node: Text): { text: Text; offset: number } | null {
  const block = blockOf(node)
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT)
  walker.currentNode = node
  while (walker.nextNode()) {
    const text = walker.currentNode as Text
    const offset = text.data.search(/\S/)
    if (offset >= 0 && rect(text).width > 1) {
      return { text, offset }
    }
  }
  return null
}

type Check = { field: string; after: string; fieldRight: number; afterLeft: number }

// For each field with a bidi control that has more text after it on the same line: where that text starts.
function layoutChecks(root: Element): Check[] {
  const checks: Check[] = []
  for (const node of textWithBidiControls(root)) {
    const field = rect(node)
    const next = nextCharacter(node)
    if (!next || field.width <= 1) {
      continue // nothing after it in its block, or visually hidden
    }
    const after = rect(next.text, next.offset, next.offset + 1)
    if (Math.abs(after.top - field.top) > field.height / 2) {
      continue // the text after it wrapped to the next line
    }
    checks.push({
      field: node.data,
      after: next.text.data.slice(next.offset, next.offset + 12),
      fieldRight: Math.round(field.right),
      afterLeft: Math.round(after.left),
    })
  }
  return checks
}

test('the measurement sees an un-isolated override reorder the text after it', () => {
  const { container } = render(
    <p>
      <span>{HOSTILE}</span> score 0.90
    </p>,
  )
  const [check] = layoutChecks(container)
  expect(check?.after).toBe('score 0.90')
  // "invoice" · "09.0 erocs" · "exe.pdf": the score is drawn inside the file name's box.
  expect(check!.afterLeft).toBeLessThan(check!.fieldRight)
})

test('every hostile field of a run is isolated: computed unicode-bidi, and the text after it stays after it', async () => {
  const { container } = render(<HostileRunViewer />)
  // The arguments' schema check loads the validator; then the messages of a failed tool and an empty output.
  await waitFor(() =>
    expect(container.querySelector('[data-oai-arguments][data-state="invalid"]')).not.toBeNull(),
  )
  await act(async () => container.querySelector<HTMLButtonElement>('[data-oai-run-tools]')!.click())
  await act(async () => container.querySelector<HTMLButtonElement>('[data-oai-submit]')!.click())
  await waitFor(() => expect(container.querySelector('[data-oai-field-error]')).not.toBeNull())

  const checks = layoutChecks(container)
  // File search result and its score, link texts and the words after them, step tool names and the next name,
  // footnote name and quote, error messages and their codes, …
  expect(checks.length).toBeGreaterThanOrEqual(10)
  expect(checks.filter((check) => check.afterLeft < check.fieldRight - 1)).toEqual([])

  const isolates = textWithBidiControls(container)
    .map((node) => node.parentElement!.closest('bdi'))
    .filter((element) => element !== null)
  expect(isolates.length).toBeGreaterThanOrEqual(20)
  expect(new Set(isolates.map((element) => getComputedStyle(element).unicodeBidi))).toEqual(
    new Set(['isolate']),
  )
})

test('metadata inputs are isolated and take their direction from their text', () => {
  const { container } = render(<HostileRunViewer />)
  const inputs = [...container.querySelectorAll<HTMLInputElement>('[data-oai-metadata-row] input')]
  expect(inputs.map((input) => input.value)).toEqual([HOSTILE, HOSTILE])
  expect(inputs.map((input) => [input.dir, getComputedStyle(input).unicodeBidi])).toEqual([
    ['auto', 'isolate'],
    ['auto', 'isolate'],
  ])
})
