// @oai-runs/components/devtools: the cache inspector, a separate entry so the main bundle does not carry it.
// Styles are optional: `import '@oai-runs/components/devtools.css'` (with `@oai-runs/components/styles.css`).
export type { RunsDevtoolsProps } from './RunsDevtools.tsx'
export { RunsDevtools } from './RunsDevtools.tsx'
