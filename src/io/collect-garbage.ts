/**
 * A full garbage collection, now. A cold local run's downloads leave some 6 KB of garbage per object
 * (the SDK's request and response objects), and V8 collects its old space only when it thinks it
 * needs to: over 26,000 objects the process grew from about 190 MB to 350 MB before a collection
 * brought it back to about 180 MB, and when DuckDB started writing the columnar copies before that
 * collection, the run peaked at 553 MB instead of about 350 MB (issue 14's bench). Collecting once,
 * between the downloads and DuckDB's work, leaves DuckDB the memory the garbage held.
 *
 * Node exposes gc() only with --expose-gc; V8 accepts the flag at run time, and a new context then
 * has the function (V8's flags: "expose_gc"; Node's v8.setFlagsFromString). When that fails,
 * nothing is collected early, which costs memory, never an answer.
 */
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

let gc: (() => void) | null | undefined

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      gc = runInNewContext('gc') as () => void
    } catch {
      gc = null
    }
  }
  gc?.()
}
