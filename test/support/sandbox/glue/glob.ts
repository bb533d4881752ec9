/**
 * Glue crawler exclusion patterns, as the Glue docs define them (Java glob syntax): `*` matches any
 * characters within one folder name, `**` crosses folder boundaries, `?` is one character, `[a-z]`
 * and `[!a-z]` are character classes, `{a,b}` is a choice (not nested), and `\` escapes the next
 * character. A pattern is matched against the whole object key relative to the crawler's include
 * path, so `*.json` matches only files at the top level and `**.json` matches them at any depth.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = ''
  let inGroup = false
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '\\') {
      i += 1
      source += escapeRegExp(pattern[i] ?? '\\')
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*'
        i += 1
      } else source += '[^/]*'
    } else if (char === '?') source += '[^/]'
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) source += '\\['
      else {
        let body = pattern.slice(i + 1, end)
        const negated = body.startsWith('!')
        if (negated) body = body.slice(1)
        // A class never matches the folder separator, even negated: it stands for one name character.
        source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`
        i = end
      }
    } else if (char === '{' && !inGroup) {
      inGroup = true
      source += '(?:'
    } else if (char === '}' && inGroup) {
      inGroup = false
      source += ')'
    } else if (char === ',' && inGroup) source += '|'
    else source += escapeRegExp(char)
  }
  if (inGroup) throw new Error(`Exclusion pattern ${JSON.stringify(pattern)} has an unclosed {group}.`)
  return new RegExp(`^${source}$`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, (c) => `\\${c}`)
}

/** Whether a key, relative to the include path, matches any of the exclusion patterns. */
export function isExcluded(relativeKey: string, exclusions: readonly string[]): boolean {
  return exclusions.some((pattern) => globToRegExp(pattern).test(relativeKey))
}
