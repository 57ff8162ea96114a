'use client'
// Owns the connected components' default file options: citation names read from the file query (`fileQueries`),
// file links and `image_file` sources under the client's `baseURL` (`client.files.url`). The presentational
// components have no client, so they keep no defaults; this hook is how the connected ones get them.
import { fileKeys, fileQueries, useRunsClient } from '@oai-runs/client/react'
import { type QueryKey, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { type MessageContentOptions, useStableContentOptions } from '../message-content/options.ts'

function startsWith(key: QueryKey, prefix: QueryKey): boolean {
  return prefix.every((part, index) => key[index] === part)
}

/**
 * The app's content options with `getFileName` and `getFileUrl` filled in when it gave none: names are the files'
 * `filename` (fetched once per file through the query cache; the id while loading or after an error), URLs are
 * `client.files.url` (`{baseURL}/files/{id}/content`, for a same-origin proxy with `fileDownloads`). Re-renders its
 * component when a name arrives; the object it returns keeps its identity until an option (or a name) changes. Pass
 * `getFileUrl: () => null` to render files unlinked.
 * @example
 * const contentOptions = useDefaultFileOptions(props.contentOptions)
 * return <RunTimeline {...props} contentOptions={contentOptions} />
 */
export function useDefaultFileOptions(options: MessageContentOptions = {}): MessageContentOptions {
  const client = useRunsClient()
  const queryClient = useQueryClient()
  const [version, setVersion] = useState(0)
  // Ids asked for before their file arrived: when one of them settles, render again with the new name.
  const waiting = useRef(new Set<string>())
  const appName = options.getFileName
  const appUrl = options.getFileUrl

  useEffect(() => {
    if (appName) {
      return
    }
    const prefix = fileKeys.all(client)
    const settled = () => {
      for (const fileId of waiting.current) {
        if (queryClient.getQueryState(fileKeys.file(client, fileId))?.fetchStatus === 'idle') {
          waiting.current.clear()
          setVersion((value) => value + 1)
          return
        }
      }
    }
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && startsWith(event.query.queryKey, prefix)) {
        settled()
      }
    })
    settled() // a file that arrived between the render and this subscription
    return unsubscribe
  }, [appName, client, queryClient])

  // `version` is a dependency on purpose: a new function makes the memoised content render the new names.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version only changes the function's identity
  const getFileName = useMemo<MessageContentOptions['getFileName']>(
    () =>
      appName ??
      ((fileId) => {
        if (!fileId.trim()) {
          return null
        }
        const query = fileQueries.file(client, fileId)
        const state = queryClient.getQueryState(query.queryKey)
        if (state?.data) {
          return typeof state.data.filename === 'string' && state.data.filename !== ''
            ? state.data.filename
            : null
        }
        // Fetch once (as react-query's usePrefetchQuery does during render); an error shows the id for good.
        if (state?.status !== 'error' && typeof window !== 'undefined') {
          waiting.current.add(fileId)
          if (state?.fetchStatus !== 'fetching') {
            void queryClient.prefetchQuery(query)
          }
        }
        return null
      }),
    [appName, client, queryClient, version],
  )
  const getFileUrl = useMemo<MessageContentOptions['getFileUrl']>(
    () => appUrl ?? ((fileId) => (fileId.trim() ? client.files.url({ fileId }) : null)),
    [appUrl, client],
  )
  // The same object while every option is the same: memoised steps and messages do not render again for a fresh
  // `contentOptions` object of the app's (or none), only when a name arrives.
  return useStableContentOptions({ ...options, getFileName, getFileUrl })
}
