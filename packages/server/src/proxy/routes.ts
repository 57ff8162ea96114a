// The allowlist: the routes the proxy forwards with the ids each touches (P6); run fields browsers may not set (P3).
import type { ProxyAction, ProxyTarget, RunsProxyOptions } from './types.ts'

export interface ProxyRoute {
  method: 'GET' | 'POST'
  pattern: RegExp
  action: ProxyAction
  names: (keyof ProxyTarget)[]
}

const id = '([A-Za-z0-9_-]{1,128})'
const routeTable: [ProxyRoute['method'], string, ProxyAction, (keyof ProxyTarget)[]][] = [
  ['POST', '/threads', 'threads.create', []],
  ['POST', '/threads/runs', 'threads.createAndRun', []],
  ['GET', `/threads/${id}`, 'threads.retrieve', ['threadId']],
  ['POST', `/threads/${id}/messages`, 'messages.create', ['threadId']],
  ['GET', `/threads/${id}/messages`, 'messages.list', ['threadId']],
  ['GET', `/threads/${id}/messages/${id}`, 'messages.retrieve', ['threadId', 'messageId']],
  ['POST', `/threads/${id}/runs`, 'runs.create', ['threadId']],
  ['GET', `/threads/${id}/runs`, 'runs.list', ['threadId']],
  ['GET', `/threads/${id}/runs/${id}`, 'runs.retrieve', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}`, 'runs.update', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}/cancel`, 'runs.cancel', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}/submit_tool_outputs`, 'runs.submitToolOutputs', ['threadId', 'runId']],
  ['GET', `/threads/${id}/runs/${id}/steps`, 'steps.list', ['threadId', 'runId']],
  ['GET', `/threads/${id}/runs/${id}/steps/${id}`, 'steps.retrieve', ['threadId', 'runId', 'stepId']],
  ['POST', '/files', 'files.create', []],
  ['GET', `/files/${id}`, 'files.retrieve', ['fileId']],
  ['GET', `/files/${id}/content`, 'files.content', ['fileId']],
]
/** Every route the proxy knows; `enabledRoutes` leaves out the file routes the options do not turn on. */
export const routes: ProxyRoute[] = routeTable.map(([method, path, action, names]) => ({
  method,
  pattern: new RegExp(`^${path}$`),
  action,
  names,
}))

/** The routes the options enable: file reads only with `fileDownloads`, uploads only with `fileUploads` (P6). */
export function enabledRoutes(
  options: Pick<RunsProxyOptions, 'fileDownloads' | 'fileUploads'>,
): ProxyRoute[] {
  return routes.filter((route) => {
    if (route.action === 'files.retrieve' || route.action === 'files.content') {
      return options.fileDownloads === true
    }
    return (
      route.action !== 'files.create' || (options.fileUploads !== undefined && options.fileUploads !== false)
    )
  })
}

// Run fields a browser may not choose unless the operator allows it (P3).
export const runOverrideFields = [
  'model',
  'instructions',
  'additional_instructions',
  'tools',
  'tool_resources',
  'response_format',
  'temperature',
  'top_p',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
]
