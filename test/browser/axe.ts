// Runs axe-core in the real browser against a rendered story and formats violations readably.
import axe from 'axe-core'

/** Rules that judge whole pages, not components (stories render inside a `<main>` with no `<h1>`). */
const PAGE_RULES = { 'page-has-heading-one': { enabled: false } }

/** Where axe looks, as a story's `parameters.a11y.context` says (Storybook's a11y addon reads the same). */
export type AxeScope = { exclude?: string[] | undefined }

/**
 * The axe violations of an element (WCAG 2.x A/AA plus best practices), every rule on; `scope.exclude` leaves
 * out the elements its selectors match (e.g. the repeats of identical markup).
 */
export async function axeViolations(element: Element, scope: AxeScope = {}): Promise<string[]> {
  const context = scope.exclude?.length
    ? { include: [element], exclude: scope.exclude.map((selector) => [selector]) }
    : element
  const results = await axe.run(context as axe.ElementContext, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    rules: PAGE_RULES,
    resultTypes: ['violations'],
  })
  return results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes
        .slice(0, 3)
        .map(
          (node) => `    ${node.target.join(' ')} — ${node.failureSummary?.split('\n').slice(1).join('; ')}`,
        )
        .join('\n'),
  )
}
