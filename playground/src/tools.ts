// Client-side implementations of the demo assistant's function tools, offered by the tool-output form's
// "Run tools" button (the form still lets you type an output by hand).
import type { ToolHandler } from '@oai-runs/components'

function record(args: unknown): Record<string, unknown> {
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {}
}

export const toolHandlers: Record<string, ToolHandler> = {
  get_weather: (args) => {
    const { city = 'Paris', unit = 'celsius' } = record(args) as { city?: string; unit?: string }
    let seed = 0
    for (const char of String(city)) {
      seed = (seed * 31 + (char.codePointAt(0) ?? 0)) % 997
    }
    const celsius = 8 + (seed % 20)
    const conditions = ['sunny', 'cloudy', 'light rain', 'windy'][seed % 4]
    return unit === 'fahrenheit'
      ? { city, fahrenheit: Math.round((celsius * 9) / 5 + 32), conditions }
      : { city, celsius, conditions }
  },
  get_time: (args) => {
    const { timezone = 'UTC' } = record(args) as { timezone?: string }
    try {
      const time = new Intl.DateTimeFormat('en-GB', {
        timeZone: String(timezone),
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date())
      return { timezone, time }
    } catch {
      throw new Error(`Unknown time zone: ${String(timezone)}`)
    }
  },
}
