// The chat: the thread's messages (newest page first from the API, shown oldest first), runs that did not
// complete shown where they happened, the live run's state, and the composer.
import type { Message, Run } from '@oai-runs/client'
import { type IfBusy, type QueuedRun, useThreadMessages } from '@oai-runs/client/react'
import {
  MessageContent,
  type MessageContentOptions,
  RunStatusBadge,
  useDefaultFileOptions,
} from '@oai-runs/components'
import { memo, useEffect, useId, useRef, useState } from 'react'
import { RunOutcomeNotice } from './notices'
import { MESSAGE_QUERY, type Stream } from './shared'

export const examples: { label: string; text: string; hint: string }[] = [
  { label: 'Say hello', text: 'Hello! What can you do?', hint: 'a streamed reply, token by token' },
  {
    label: 'Call a tool',
    text: '/tool get_weather {"city":"Paris"}',
    hint: 'the run stops at requires_action; answer in the form on the right',
  },
  {
    label: 'Parallel tool calls',
    text: '/tool get_weather {"city":"Paris"}\n/tool get_time {"timezone":"Europe/Paris"}',
    hint: 'two calls, answered in one submission',
  },
  { label: 'Run code', text: '/code print(6 * 7)', hint: 'a code-interpreter step with its logs' },
  { label: 'Search files', text: '/search refund policy', hint: 'a file-search step and a cited reply' },
  { label: 'Fail the run', text: '/fail server_error', hint: 'the run ends failed with last_error' },
  {
    label: 'A long reply',
    text: '/long 300',
    hint: '300 tokens: try Stop, queue a follow-up, or reload mid-run',
  },
  {
    label: 'Markdown',
    text: 'Some **bold**, a [link](https://example.com), `code` and a list:\n\n- one\n- two',
    hint: 'rendered safely: no raw HTML, no script links',
  },
]

/** The new chat's introduction and example prompts (memoised: the workspace renders per streamed token). */
export const EmptyState = memo(function EmptyState({
  onPick,
  upstream,
}: {
  onPick: (text: string) => void
  /** The upstream's host when the playground talks to a real backend. */
  upstream?: string | null | undefined
}) {
  return (
    <div className="pg-empty">
      <h2>{upstream ? `Chat with your assistant on ${upstream}` : 'Chat with the demo assistant'}</h2>
      {upstream ? (
        <p>
          Requests go through this server's proxy, which holds the API key. The commands below script the
          embedded server's model only; a real model reads them as plain text.
        </p>
      ) : (
        <p>
          It is a scripted model on the embedded Runs server: what you type decides what the run does. Pick
          one to put it in the message box, edit it if you like, then press Enter.
        </p>
      )}
      <ul className="pg-examples">
        {examples.map((example) => (
          <li key={example.label}>
            <button type="button" className="pg-example" onClick={() => onPick(example.text)}>
              <span className="pg-example-label">{example.label}</span>
              <code>{example.text}</code>
              <span className="pg-muted">{example.hint}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="pg-muted">
        The run panel on the right shows the timeline, the steps, the tool-output form, cancel and metadata.
        Stop a long run with <kbd>Stop</kbd>; reload mid-run and it picks up where it was.
      </p>
    </div>
  )
})

const noticeStatuses = new Set(['failed', 'cancelled', 'expired', 'incomplete'])

type Item = { kind: 'message'; message: Message } | { kind: 'run'; run: Run }

/** Messages oldest first, with each run that did not complete placed after its last message (or its prompt). */
function chatItems(messages: readonly Message[], runs: readonly Run[]): Item[] {
  const items: Item[] = messages.map((message) => ({ kind: 'message', message }))
  const notable = runs
    .filter((run) => noticeStatuses.has(run.status))
    .sort((a, b) => a.created_at - b.created_at)
  for (const run of notable) {
    let at = -1
    items.forEach((item, index) => {
      if (item.kind === 'message' && item.message.run_id === run.id) {
        at = index
      }
    })
    if (at === -1) {
      items.forEach((item, index) => {
        const created = item.kind === 'message' ? item.message.created_at : item.run.created_at
        if (created <= run.created_at) {
          at = index
        }
      })
    }
    items.splice(at + 1, 0, { kind: 'run', run })
  }
  return items
}

/** The text a queued follow-up will send (its first user message). */
function queuedText(item: QueuedRun): string {
  const content = item.body.additional_messages?.[0]?.content
  return typeof content === 'string' ? content : '(a run without a new message)'
}

/** A message waiting for the active run to end, with a button to take it back. */
function QueuedMessage({ item, onRemove }: { item: QueuedRun; onRemove: () => void }) {
  const text = queuedText(item)
  const excerpt = text.length > 40 ? `${text.slice(0, 40)}…` : text
  return (
    <li className="pg-message" data-role="user" data-state="queued" data-queued-id={item.id}>
      <span className="pg-visually-hidden">You (queued, not sent yet):</span>
      <div className="pg-bubble">
        <p className="pg-queued-text">{text}</p>
      </div>
      <span className="pg-queued-meta">
        <span className="pg-queued-tag">Queued</span>
        <span className="pg-muted">sent when the current run ends</span>
        <button
          type="button"
          className="pg-run-link"
          aria-label={`Remove queued message: ${excerpt}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </span>
    </li>
  )
}

/**
 * This thread's follow-ups waiting for the active run, above the message box rather than in the scrolling
 * transcript: a row there moves with every streamed line (the view sticks to the bottom), so a click on its
 * Remove button could press on one spot and release on another, and no click would happen.
 */
export const QueuedMessages = memo(function QueuedMessages({
  queued,
  onRemove,
}: {
  queued: readonly QueuedRun[]
  onRemove: (id: string) => void
}) {
  if (queued.length === 0) {
    return null
  }
  return (
    <ol className="pg-messages pg-queued" aria-label="Queued messages">
      {queued.map((item) => (
        <QueuedMessage
          key={item.id}
          item={item}
          onRemove={() => {
            onRemove(item.id)
            // The button goes away with the message: keep the focus where typing goes on.
            document.getElementById('pg-composer-input')?.focus()
          }}
        />
      ))}
    </ol>
  )
})

const CHAT_CONTENT: MessageContentOptions = { linkTarget: '_blank' }

/** One message of the transcript; memoised, so only the message a token changed renders again. */
const ChatMessage = memo(function ChatMessage({
  message,
  contentOptions,
  onInspect,
}: {
  message: Message
  contentOptions: MessageContentOptions
  onInspect: (runId: string) => void
}) {
  return (
    <li className="pg-message" data-role={message.role} data-state={message.status}>
      <span className="pg-visually-hidden">{message.role === 'user' ? 'You:' : 'Assistant:'}</span>
      <MessageContent message={message} {...contentOptions} className="pg-bubble" />
      {message.role === 'assistant' && message.run_id ? (
        <button
          type="button"
          className="pg-run-link"
          onClick={() => onInspect(message.run_id!)}
          aria-label={`Inspect run ${message.run_id}`}
        >
          {message.run_id}
        </button>
      ) : null}
    </li>
  )
})

/** A run that did not complete, where it happened in the transcript; memoised like the messages. */
const RunRow = memo(function RunRow({
  run,
  onInspect,
  onRetry,
}: {
  run: Run
  onInspect: (runId: string) => void
  onRetry: (() => void) | undefined
}) {
  return (
    <li className="pg-message" data-role="run">
      <RunOutcomeNotice run={run} onInspect={() => onInspect(run.id)} onRetry={onRetry} />
    </li>
  )
})

/**
 * Keeps the newest text in view while the reader is at the bottom of the chat, and reads layout only in a
 * ResizeObserver callback (it runs right after the frame's layout, so nothing is forced): the scroll listener just
 * notes that the position moved; when the transcript (or the scroll box) next changes size, the callback works out
 * where the reader was against the height before the change (within 80 px of the bottom: stick, else not: scrolling
 * up stops the sticking, scrolling back down resumes it), then scrolls to the bottom if sticking.
 */
function useStickToBottom(content: React.RefObject<HTMLElement | null>) {
  useEffect(() => {
    const element = content.current
    const scroller = element?.closest<HTMLElement>('.pg-chat-scroll')
    if (!element || !scroller || typeof ResizeObserver === 'undefined') {
      return
    }
    let stick = true
    let scrolled = false
    let height = 0 // the scroll height as of the last callback
    const onResize = () => {
      if (scrolled) {
        scrolled = false
        stick = height - scroller.scrollTop - scroller.clientHeight < 80
      }
      height = scroller.scrollHeight
      if (stick) {
        scroller.scrollTop = height
      }
    }
    const onScroll = () => {
      scrolled = true
    }
    scroller.addEventListener('scroll', onScroll, { passive: true })
    const resize = new ResizeObserver(onResize)
    resize.observe(element)
    resize.observe(scroller)
    return () => {
      scroller.removeEventListener('scroll', onScroll)
      resize.disconnect()
    }
  }, [content])
}

export function Transcript({
  threadId,
  runs,
  stream,
  onInspect,
  onRetry,
}: {
  threadId: string
  runs: readonly Run[]
  stream: Stream
  onInspect: (runId: string) => void
  onRetry: () => void
}) {
  const messages = useThreadMessages({ threadId }, MESSAGE_QUERY)
  // Cited files show their names, and file links read /files/{id}/content through the proxy.
  const contentOptions = useDefaultFileOptions(CHAT_CONTENT)
  const list = messages.data?.pages.flatMap((page) => page.data) ?? []
  const ascending = [...list].reverse()
  const items = chatItems(ascending, runs)
  const scroller = useRef<HTMLDivElement>(null)
  const live = stream.threadId === threadId && stream.status === 'streaming'
  useStickToBottom(scroller)
  if (messages.isError) {
    return null // the workspace shows the error (a 404 means another session's thread)
  }
  const newestRunId = runs[0]?.id
  const waiting =
    stream.threadId === threadId &&
    stream.status === 'streaming' &&
    !ascending.some((message) => message.role === 'assistant' && message.run_id === stream.runId)
  return (
    <div ref={scroller} className="pg-transcript">
      {messages.hasNextPage ? (
        <button
          type="button"
          className="pg-button pg-quiet pg-older"
          disabled={messages.isFetchingNextPage}
          onClick={() => void messages.fetchNextPage()}
        >
          {messages.isFetchingNextPage ? 'Loading earlier messages…' : 'Load earlier messages'}
        </button>
      ) : null}
      {messages.isPending ? <p className="pg-muted">Loading messages…</p> : null}
      <ol className="pg-messages" aria-label="Messages">
        {items.map((item) =>
          item.kind === 'message' ? (
            <ChatMessage
              key={item.message.id}
              message={item.message}
              contentOptions={contentOptions}
              onInspect={onInspect}
            />
          ) : (
            <RunRow
              key={item.run.id}
              run={item.run}
              onInspect={onInspect}
              onRetry={item.run.id === newestRunId && !live ? onRetry : undefined}
            />
          ),
        )}
        {waiting ? (
          <li className="pg-message" data-role="assistant" data-state="waiting">
            <div className="pg-bubble pg-typing">
              <RunStatusBadge status={stream.runStatus ?? 'queued'} />
              <span className="pg-dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              <span className="pg-visually-hidden">The assistant is working.</span>
            </div>
          </li>
        ) : null}
      </ol>
    </div>
  )
}

/**
 * The message box. While a run is active (`busy`) it stays usable: Enter (or Queue) queues the message until the
 * run ends, Stop and send cancels the run and sends it, Stop only cancels.
 */
export const Composer = memo(function Composer({
  disabled,
  busy,
  blockedReason,
  prefill,
  onSend,
  onStop,
  stopping,
}: {
  disabled: boolean
  busy: boolean
  blockedReason: string | null
  /** Text to put in the box; `merge` keeps what is being typed after it. */
  prefill: { text: string; nonce: number; merge?: boolean | undefined } | null
  onSend: (text: string, ifBusy?: IfBusy) => Promise<boolean>
  onStop: () => void
  stopping: boolean
}) {
  const [text, setText] = useState('')
  const input = useRef<HTMLTextAreaElement>(null)
  const hintId = useId()
  useEffect(() => {
    if (prefill) {
      setText((current) =>
        prefill.merge && current.trim() !== '' ? `${prefill.text}\n\n${current}` : prefill.text,
      )
      input.current?.focus()
    }
  }, [prefill])
  const canSend = !disabled && text.trim() !== ''
  const submit = async (ifBusy?: IfBusy) => {
    if (!canSend) {
      return
    }
    const sent = text
    setText('')
    if (!(await onSend(sent, ifBusy))) {
      setText((current) => current || sent) // nothing was sent: give the text back
    }
  }
  return (
    <form
      className="pg-composer"
      aria-label="Send a message"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <label htmlFor="pg-composer-input" className="pg-visually-hidden">
        Message
      </label>
      <textarea
        id="pg-composer-input"
        ref={input}
        name="message"
        rows={Math.min(6, Math.max(2, text.split('\n').length))}
        placeholder="Message the assistant, or try /tool, /code, /search, /fail, /long 300"
        value={text}
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault()
            void submit()
          }
        }}
      />
      <div className="pg-composer-bar">
        <span id={hintId} className="pg-muted">
          {blockedReason ?? 'Enter to send, Shift+Enter for a new line.'}
        </span>
        {busy ? (
          <>
            <button type="button" className="pg-button pg-danger" onClick={onStop} disabled={stopping}>
              {stopping ? 'Stopping…' : 'Stop'}
            </button>
            <button
              type="button"
              className="pg-button"
              disabled={!canSend}
              onClick={() => {
                input.current?.focus() // this button may go away with the run: typing goes on in the box
                void submit('cancel')
              }}
            >
              Stop and send
            </button>
          </>
        ) : null}
        <button type="submit" className="pg-button pg-primary" disabled={!canSend}>
          {busy ? 'Queue' : 'Send'}
        </button>
      </div>
    </form>
  )
})
