import {invalidInput} from './errors'

/**
 * Lake Formation pages at this size when MaxResults is left out (the API model gives no default), so
 * a caller that ignores NextToken shows up in tests.
 */
export const DEFAULT_PAGE_SIZE = 100

/** One page of a listing and the token for the next one, if any. */
export interface Page<T> {
  /** The items on this page, in the listing's order. */
  items: T[]
  /** Opaque token for the next page; absent on the last page. */
  nextToken?: string
}

interface TokenBody {
  /** The listing the token belongs to (operation and filters), so a token cannot be replayed elsewhere. */
  s: string
  /** The key of the last item returned: the next page starts after it, so inserts and deletes never shift it. */
  k: string
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function decodeToken(token: string, scope: string): string {
  let body: TokenBody
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody
  } catch {
    throw invalidInput('Invalid NextToken.')
  }
  if (typeof body?.k !== 'string' || body.s !== scope) throw invalidInput('Invalid NextToken.')
  return body.k
}

/**
 * Pages through items in a deterministic order (by key, compared as code units). Tokens are opaque
 * to callers and valid only for the same scope, like AWS's.
 */
export function paginate<T>(items: Iterable<T>, keyOf: (item: T) => string, options: {maxResults: number; nextToken?: string; scope: string}): Page<T> {
  const sorted = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)))
  const after = options.nextToken === undefined ? undefined : decodeToken(options.nextToken, options.scope)
  const remaining = after === undefined ? sorted : sorted.filter((item) => compareKeys(keyOf(item), after) > 0)
  const page = remaining.slice(0, options.maxResults)
  if (remaining.length <= options.maxResults) return {items: page}
  const body: TokenBody = {s: options.scope, k: keyOf(page[page.length - 1])}
  return {items: page, nextToken: Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')}
}
