import { createClient } from '@oai-runs/client'
import { RunsClientProvider, useRunStream, useThreadMessages } from '@oai-runs/client/react'
import { ConnectedRunViewer, MessageContent } from '@oai-runs/components'
import '@oai-runs/components/styles.css'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'

// The browser holds no key: it talks to the same-origin proxy that server.mjs mounts at /api/runs.
const client = createClient({ baseURL: '/api/runs' })
const queryClient = new QueryClient()

function Messages({ threadId }: { threadId: string }) {
  const messages = useThreadMessages({ threadId }, { order: 'asc' })
  const list = messages.data?.pages.flatMap((page) => page.data) ?? []
  return (
    <ol aria-label="Messages">
      {list.map((message) => (
        <li key={message.id} data-role={message.role}>
          <MessageContent message={message} />
        </li>
      ))}
    </ol>
  )
}

function Chat() {
  const stream = useRunStream({ resume: false })
  const [text, setText] = useState('/tool get_weather {"city":"Paris"}')

  const send = (event: FormEvent) => {
    event.preventDefault()
    const message = { role: 'user' as const, content: text }
    // The proxy forces its own assistant, whatever id the browser sends.
    const started = stream.threadId
      ? stream.create({ assistant_id: 'asst_demo', additional_messages: [message] })
      : stream.createThreadAndRun({ assistant_id: 'asst_demo', thread: { messages: [message] } })
    started.catch(() => {}) // the hook's `error` shows what went wrong
  }

  return (
    <main>
      <h1>oai-runs on Vite</h1>
      <form onSubmit={send}>
        <label>
          Message <input value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <button type="submit" disabled={stream.status === 'streaming'}>
          Send
        </button>
      </form>
      <p>
        Stream: <output data-testid="stream-status">{stream.status}</output>
      </p>
      {stream.error ? <p role="alert">{stream.error.message}</p> : null}
      {stream.threadId ? <Messages threadId={stream.threadId} /> : null}
      {stream.threadId && stream.runId ? (
        // The stream's own cancel and submit, so the reply after the tool output streams into this page too.
        <ConnectedRunViewer
          threadId={stream.threadId}
          runId={stream.runId}
          onCancel={stream.cancel}
          onSubmitToolOutputs={stream.submitToolOutputs}
        />
      ) : null}
    </main>
  )
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>
        <Chat />
      </RunsClientProvider>
    </QueryClientProvider>
  )
}
