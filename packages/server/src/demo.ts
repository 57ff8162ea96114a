import type { AssistantObject } from './types.ts'

/** The demo assistant the CLI seeds: function tools for the scripted model, plus code interpreter and file search. */
export const demoAssistant: Partial<Omit<AssistantObject, 'object' | 'created_at'>> = {
  id: 'asst_demo',
  name: 'Demo assistant',
  description: 'Answers with the scripted model: plain text, /tool, /code, /search, /fail, /long.',
  model: 'oai-runs-scripted',
  instructions: 'You are the oai-runs demo assistant.',
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'The current weather in a city.',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name, e.g. Paris' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['city'],
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'get_time',
        description: 'The current time in a time zone.',
        parameters: {
          type: 'object',
          properties: { timezone: { type: 'string', description: 'IANA zone, e.g. Europe/Paris' } },
          required: ['timezone'],
        },
      },
    },
    { type: 'code_interpreter' },
    { type: 'file_search' },
  ],
}
