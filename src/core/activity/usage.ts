/**
 * `audit usage`, pure: who CAN read (the `audit access` rows) against who DID (the window's reads).
 *
 * Matching: a read of table T by principal P is explained by every access row on T that reaches P
 * (rowReachesPrincipal: the principal itself, its account, IAM_ALLOWED_PRINCIPALS of the account,
 * or anyone) through a path of the read's kind. computeAccess has already expanded table-wildcard,
 * column, LF-tag expression and data cells filter grants into one row per table they reach, so a
 * read of any table a wildcard covers marks the wildcard's row for that table used. When several
 * rows explain one read, CloudTrail does not say which grant Lake Formation used; every one of them
 * counts as used (so nothing that might be needed is proposed for revoking).
 * - lake-formation reads are explained by the Lake Formation paths (grants, admins, catalog,
 *   IAM_ALLOWED_PRINCIPALS); direct-s3 reads by the S3 bypass paths. A direct read of an object
 *   under no table is explained by any bypass row of the principal.
 * - read-only-admin rows never read data and are never used.
 * The proposal lists, as data (never applied), the Lake Formation grants (by grant key, the row's
 * `via`) none of whose rows was used, leaving out expected readers and admin rows; and, for review,
 * unused S3 bypass rows (a policy statement, not a grant).
 */
import {rowReachesPrincipal, type AccessPath, type AccessRow} from '../audit/access'
import type {TimeWindow} from './query'
import type {ReadEvent, ReadPath} from './reads'

/** One row of `audit usage`. */
export interface UsageRow {
  /** The row's principal. */
  principal: string
  /** `database.table`. */
  table: string
  /** The access path. */
  path: AccessPath
  /** What gives the access (grant key or policy statements). */
  via: string
  /** Whether any read in the window is explained by the row. */
  used: boolean
  /** The last such read's time, or null. */
  lastUsed: string | null
  /** How many reads it explains. */
  reads: number
}

/** Reads no access row explains, grouped. */
export interface UnexplainedRead {
  principal: string
  table: string | null
  path: ReadPath
  count: number
  firstRead: string
  lastRead: string
  /** Up to 20 eventIDs. */
  events: string[]
}

/** A grant proposed for revoking. */
export interface RevokeProposal {
  /** The grant key (the access rows' `via`). */
  grant: string
  principal: string
  path: AccessPath
  /** The tables it reaches, sorted. */
  tables: string[]
}

/** The proposal: data for the user to review, never applied by lakegov. */
export interface UsageProposal {
  /** Lake Formation grants unused in the window. */
  revoke: RevokeProposal[]
  /** Unused S3 bypass access (a policy statement to narrow). */
  review: RevokeProposal[]
}

/** `audit usage --json`. */
export interface UsageReport {
  rows: UsageRow[]
  unexplained: UnexplainedRead[]
  proposal: UsageProposal
}

const S3_PATHS: ReadonlySet<AccessPath> = new Set(['s3-bypass-bucket-policy', 's3-bypass-iam'])
const NOT_PROPOSED: ReadonlySet<AccessPath> = new Set(['admin', 'read-only-admin'])

function pathExplains(path: AccessPath, read: ReadPath): boolean {
  if (path === 'read-only-admin') return false
  return read === 'direct-s3' ? S3_PATHS.has(path) : !S3_PATHS.has(path)
}

function tableOf(row: AccessRow): string {
  return `${row.database}.${row.table}`
}

/** Assembles usage from the access rows, the window's reads and the account. */
export function assembleUsage(access: readonly AccessRow[], reads: readonly ReadEvent[], account: string): UsageReport {
  const byTable = new Map<string, AccessRow[]>()
  for (const row of access) {
    const list = byTable.get(tableOf(row)) ?? []
    list.push(row)
    byTable.set(tableOf(row), list)
  }
  const usage = new Map<AccessRow, {reads: number; last: string | null}>(access.map((row) => [row, {reads: 0, last: null}]))
  const unexplained = new Map<string, UnexplainedRead>()
  for (const read of reads) {
    if (read.denied) continue
    const candidates = read.table === null ? (read.path === 'direct-s3' ? access : []) : (byTable.get(read.table) ?? [])
    const explaining = candidates.filter((row) => pathExplains(row.path, read.path) && rowReachesPrincipal(row.principal, read.principal, account))
    for (const row of explaining) {
      const entry = usage.get(row)
      if (!entry) continue
      entry.reads++
      if (entry.last === null || read.time > entry.last) entry.last = read.time
    }
    if (explaining.length > 0) continue
    const key = [read.principal, read.table ?? '', read.path].join('\u0000')
    const group = unexplained.get(key) ?? {principal: read.principal, table: read.table, path: read.path, count: 0, firstRead: read.time, lastRead: read.time, events: []}
    group.count++
    if (read.time < group.firstRead) group.firstRead = read.time
    if (read.time > group.lastRead) group.lastRead = read.time
    if (group.events.length < 20) group.events.push(read.eventId)
    unexplained.set(key, group)
  }
  // Each table's rows once per (principal, path, via): computeAccess may list the same grant for the same table only once, but be safe.
  const rows: UsageRow[] = access.map((row) => {
    const entry = usage.get(row) ?? {reads: 0, last: null}
    return {principal: row.principal, table: tableOf(row), path: row.path, via: row.via, used: entry.reads > 0, lastUsed: entry.last, reads: entry.reads}
  })
  return {rows, unexplained: [...unexplained.values()].sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : (a.table ?? '') < (b.table ?? '') ? -1 : 1)), proposal: proposalOf(access, usage)}
}

function proposalOf(access: readonly AccessRow[], usage: Map<AccessRow, {reads: number}>): UsageProposal {
  const byGrant = new Map<string, AccessRow[]>()
  for (const row of access) {
    if (NOT_PROPOSED.has(row.path) || row.expected || !row.readsData) continue
    const key = [row.via, row.principal, row.path].join('\u0000')
    const list = byGrant.get(key) ?? []
    list.push(row)
    byGrant.set(key, list)
  }
  const revoke: RevokeProposal[] = []
  const review: RevokeProposal[] = []
  for (const rows of byGrant.values()) {
    if (rows.some((row) => (usage.get(row)?.reads ?? 0) > 0)) continue
    const [first] = rows
    const entry = {grant: first.via, principal: first.principal, path: first.path, tables: [...new Set(rows.map(tableOf))].sort()}
    if (S3_PATHS.has(first.path)) review.push(entry)
    else revoke.push(entry)
  }
  const order = (a: RevokeProposal, b: RevokeProposal): number => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : a.grant < b.grant ? -1 : a.grant > b.grant ? 1 : 0)
  return {revoke: revoke.sort(order), review: review.sort(order)}
}

/** What `audit usage` reports: the usage report, and how its reads were read. */
export interface UsageRun extends UsageReport {
  /** The account audited. */
  account: string
  /** The log database. */
  database: string
  /** The window of the reads. */
  window: TimeWindow
  /** The engine that read the activity. */
  engine: string
  /** The regions read. */
  regions: string[]
  /** Why direct reads may be invisible, else null. */
  banner: string | null
  /** What could not be read fully. */
  warnings: string[]
}
