/** Edit distance between two strings (insertions, deletions and substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]
}

/** The closest known name to a misspelt one, when it is close enough to be a typo. */
function closest(input: string, known: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(input.length / 3)) && bestDistance < input.length ? best : undefined
}

/** "did you mean X?" or a list of what is allowed. */
export function hintFor(input: string, known: string[], what: string): string {
  const match = closest(input, known)
  if (match) return `did you mean "${match}"?`
  return known.length === 0 ? `no ${what} is declared` : `known ${what}: ${[...known].sort().join(', ')}`
}
