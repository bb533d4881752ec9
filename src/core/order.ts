/**
 * The one string order of lakegov: Unicode code points, the same on every machine. Grant keys,
 * plans, fingerprints and every rendered list sort with it, so a plan saved on one machine is not
 * stale on another. `localeCompare` is banned in src (eslint.config.mjs): its order follows the
 * machine's locale and ICU version.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  const left = a[Symbol.iterator]()
  const right = b[Symbol.iterator]()
  for (;;) {
    const x = left.next()
    const y = right.next()
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1
    const cx = x.value.codePointAt(0)!
    const cy = y.value.codePointAt(0)!
    if (cx !== cy) return cx < cy ? -1 : 1
  }
}

/** A copy of the strings, deduplicated and in code-point order. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText)
}
