import type { Preview } from '@storybook/react-vite'
// @ts-expect-error TS2882: a side-effect CSS import, bundled by Vite (tsconfig has no `vite/client` types to declare it)
import '@oai-runs/components/styles.css'

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
  globalTypes: {
    theme: {
      description: 'Colour theme of the default stylesheet',
      toolbar: { title: 'Theme', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  decorators: [
    (Story, context) => (
      <div
        data-oai-theme={context.globals.theme ?? 'light'}
        style={{
          background: 'var(--oai-bg)',
          color: 'var(--oai-text)',
          padding: '1rem',
          maxWidth: 760,
          fontFamily: 'var(--oai-font)',
        }}
      >
        <main>
          <Story />
        </main>
      </div>
    ),
  ],
}

export default preview
