// Primitive.<tag>: one element per part, `asChild` via Radix Slot, ref forwarded, user props spread last.
import { Slot } from '@radix-ui/react-slot'
import { type ComponentPropsWithoutRef, forwardRef, type JSX } from 'react'

type PrimitiveTag =
  | 'a'
  | 'article'
  | 'button'
  | 'div'
  | 'dd'
  | 'details'
  | 'dl'
  | 'dt'
  | 'fieldset'
  | 'figure'
  | 'footer'
  | 'form'
  | 'h3'
  | 'header'
  | 'img'
  | 'input'
  | 'label'
  | 'legend'
  | 'li'
  | 'nav'
  | 'ol'
  | 'p'
  | 'pre'
  | 'section'
  | 'select'
  | 'span'
  | 'sup'
  | 'textarea'
  | 'time'
  | 'ul'

/** Props of a primitive part: the element's props plus `asChild` (render the single child instead). */
export type PrimitiveProps<T extends PrimitiveTag> = ComponentPropsWithoutRef<T> & {
  /** Merge this part's props onto its only child instead of rendering its own element. */
  asChild?: boolean
}

function createPrimitive<T extends PrimitiveTag>(tag: T) {
  // biome-ignore lint/correctness/noComponentHookFactories: created once per tag at module load (Radix's pattern)
  const Component = forwardRef<Element, PrimitiveProps<T>>(({ asChild, ...props }, ref) => {
    const Tag = (asChild ? Slot : tag) as unknown as (props: Record<string, unknown>) => JSX.Element
    return <Tag {...props} ref={ref} />
  })
  Component.displayName = `Primitive.${tag}`
  return Component as unknown as React.ForwardRefExoticComponent<
    PrimitiveProps<T> & React.RefAttributes<HTMLElementTagNameMap[T]>
  >
}

/** Internal building blocks: `Primitive.div` etc. */
export const Primitive = {
  a: createPrimitive('a'),
  article: createPrimitive('article'),
  button: createPrimitive('button'),
  div: createPrimitive('div'),
  dd: createPrimitive('dd'),
  details: createPrimitive('details'),
  dl: createPrimitive('dl'),
  dt: createPrimitive('dt'),
  fieldset: createPrimitive('fieldset'),
  figure: createPrimitive('figure'),
  footer: createPrimitive('footer'),
  form: createPrimitive('form'),
  h3: createPrimitive('h3'),
  header: createPrimitive('header'),
  img: createPrimitive('img'),
  input: createPrimitive('input'),
  label: createPrimitive('label'),
  legend: createPrimitive('legend'),
  li: createPrimitive('li'),
  nav: createPrimitive('nav'),
  ol: createPrimitive('ol'),
  p: createPrimitive('p'),
  pre: createPrimitive('pre'),
  section: createPrimitive('section'),
  select: createPrimitive('select'),
  span: createPrimitive('span'),
  sup: createPrimitive('sup'),
  textarea: createPrimitive('textarea'),
  time: createPrimitive('time'),
  ul: createPrimitive('ul'),
}

/** Styles of text that only screen readers get (works without the optional stylesheet). */
export const visuallyHidden: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
}
