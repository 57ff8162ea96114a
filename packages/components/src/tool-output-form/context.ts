'use client'
// What the tool-output form's parts read: the form's `useToolOutputForm` result (from Root) and the field's call.
import type { RunToolCall } from '@oai-runs/client'
import { createContext, type ForwardedRef, useContext } from 'react'
import type { UseToolOutputFormResult } from './types.ts'

export const FormContext = createContext<UseToolOutputFormResult | null>(null)

export function useFormContext(part: string): UseToolOutputFormResult {
  const context = useContext(FormContext)
  if (!context) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Root\`.`)
  }
  return context
}

export const FieldContext = createContext<RunToolCall | null>(null)

export function useFieldContext(part: string): RunToolCall {
  const toolCall = useContext(FieldContext)
  if (!toolCall) {
    throw new Error(`\`ToolOutputForm.${part}\` must be used within \`ToolOutputForm.Field\`.`)
  }
  return toolCall
}

/** Hands `element` to a forwarded ref, whichever kind it is. */
export function assignRef<T>(ref: ForwardedRef<T>, element: T | null): void {
  if (typeof ref === 'function') {
    ref(element)
  } else if (ref) {
    ref.current = element
  }
}
