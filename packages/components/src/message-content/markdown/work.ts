// The parser's work counter: characters scanned and delimiter-stack entries visited, so tests can assert that
// its work grows linearly with the input instead of timing it. Internal: not exported from the package.
let work = 0

/** How much work (characters scanned, stack entries visited) the parser did while `run` ran; internal, for tests. */
export function countParseWork(run: () => void): number {
  const before = work
  run()
  return work - before
}

/** Counts `amount` units of work (characters scanned or stack entries visited). */
export function tally(amount: number): void {
  work += amount
}

/** A line scanned whole by one block rule. */
export function scanned(line: string): void {
  work += line.length + 1
}
