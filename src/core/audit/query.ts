/**
 * The filters of `audit access`, checked against what the account holds. A filter that matches
 * nothing is a usage error (exit 64) that says what exists, not an empty report: "no principal can
 * read nosuchdb.evnts" would be a false all-clear. `--principal` also takes a principal's name
 * from the grants files.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import {principalKind} from '../policy/principals'
import {compareText} from '../order'
import type {AccessQuery, AuditTable} from './access'

/** How many existing names an error lists before "and N more". */
const LISTED = 20

function listOf(names: readonly string[]): string {
  const sorted = [...names].sort(compareText)
  if (sorted.length === 0) return 'none'
  const shown = sorted.slice(0, LISTED).join(', ')
  return sorted.length > LISTED ? `${shown} (and ${sorted.length - LISTED} more)` : shown
}

/** The usage error for a filter that matches nothing, listing what exists. */
export function noMatchError(flag: string, value: string, what: string, existing: {label: string; names: readonly string[]}): LakegovError {
  return new LakegovError(`${flag} ${value} matches no ${what}. ${existing.label}: ${listOf(existing.names)}.`, {
    exitCode: ExitCode.Usage,
    code: 'FILTER_MATCHES_NOTHING',
    suggestions: [`Pass one of those, or leave ${flag} out.`],
  })
}

/** What the filters are checked against. */
export interface QueryScope {
  /** The audited database, lowercase. */
  database: string
  /** Its tables. */
  tables: readonly AuditTable[]
  /** The principals the grants files name: name -> identifier. */
  declaredPrincipals: Readonly<Record<string, string>>
}

/** Whether a --principal value names a principal by itself (an ARN, an account, "*", ...). */
function isPrincipalIdentifier(value: string): boolean {
  return value === '*' || principalKind(value) !== undefined || value.startsWith('arn:') || /\.amazonaws\.com$/.test(value)
}

/**
 * The query with its table checked and its principal resolved: a grants-file name becomes the
 * identifier it stands for. Throws a usage error naming what exists when --table matches no table
 * or --principal is neither an identifier nor a declared name.
 */
export function resolveAccessQuery(scope: QueryScope, query: AccessQuery): AccessQuery {
  const resolved: AccessQuery = {...query, database: scope.database}
  if (query.table !== undefined) {
    const table = query.table.toLowerCase()
    if (!scope.tables.some((candidate) => candidate.table === table)) {
      throw noMatchError('--table', query.table, `table of database ${scope.database}`, {label: 'Its tables', names: scope.tables.map((candidate) => candidate.table)})
    }
    resolved.table = table
  }
  if (query.principal !== undefined) {
    const declared = scope.declaredPrincipals[query.principal]
    if (declared !== undefined) resolved.principal = declared
    else if (!isPrincipalIdentifier(query.principal)) {
      throw noMatchError('--principal', query.principal, 'principal: it is neither an ARN, an account id nor a name from the grants files', {
        label: 'Names in the grants files',
        names: Object.keys(scope.declaredPrincipals),
      })
    }
  }
  return resolved
}
