// Text matchers for text split across elements (isolated names, file names and messages are their own elements).

/** A Testing Library matcher: the innermost element whose whole text content is `text` (or matches it). */
export function wholeText(text: string | RegExp) {
  const matches = (value: string | null) =>
    typeof text === 'string' ? value === text : text.test(value ?? '')
  return (_content: string, element: Element | null): boolean =>
    !!element &&
    matches(element.textContent) &&
    ![...element.children].some((child) => matches(child.textContent))
}
