/**
 * The lake rule "GetDataAccess on the log tables by a principal outside the declared readers". The
 * declared readers are what the grants files give read access to the log database (SELECT or ALL
 * on a table, its columns, a data cells filter, the table wildcard, or an LF-tag expression on
 * tables), as `audit access` counts read access, plus the data lake admins lake.yaml declares
 * (admins can grant themselves anything, so `audit access` lists them as readers too).
 *
 * Lake Formation records every credential it vends in a `GetDataAccess` event (AWS-FACTS: the
 * authoritative record of who was given data access); its requestParameters name the table by ARN.
 * A role reads as an assumed-role session, `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` (the
 * role's path is not in it), so a role is excluded by that ARN with a trailing wildcard, a user by
 * its own ARN, and another account (a cross-account grant) by userIdentity.accountId. CloudWatch Logs' `!=` is false on a missing field ("Filter pattern syntax"), and
 * userIdentity.arn is present for both.
 */
import type {Grant} from '../model/grant'
import {compareText} from '../order'
import {MAX_PATTERN_LENGTH} from './filter-pattern'
import type {LakeRule} from './lake-rules'

/** The rule's name. */
export const READER_RULE_NAME = 'lake-undeclared-readers'

const READS = new Set(['SELECT', 'ALL'])

/** The IAM principals the grants files let read the log database, and the declared admins; sorted, unique. */
export function declaredReaders(grants: readonly Grant[], database: string, admins: readonly string[]): string[] {
  const readers = grants
    .filter((grant) => grant.permissions.some((permission) => READS.has(permission)))
    .filter((grant) => {
      const resource = grant.resource
      if (resource.type === 'lfTagPolicy') return resource.resourceType === 'TABLE'
      return 'database' in resource && resource.type !== 'database' && resource.database.toLowerCase() === database.toLowerCase()
    })
    .map((grant) => grant.principal)
  return [...new Set([...readers, ...admins])].sort(compareText)
}

function exclusionOf(principal: string): string | undefined {
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principal)
  if (role) return `($.userIdentity.arn != "arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/*")`
  if (/^arn:[^:]+:iam::\d{12}:user\/.+$/.test(principal)) return `($.userIdentity.arn != "${principal}")`
  // A grant to another account hands the choice of readers to that account: any of its principals.
  if (/^\d{12}$/.test(principal)) return `($.userIdentity.accountId != "${principal}")`
  return undefined
}

/**
 * The rule, or why it is left out. When the exclusions take the pattern over AWS's 1,024
 * characters, lakegov does not cut the list (a shortened list would alarm on declared readers, or
 * miss undeclared ones): it says so, and the reads are watched after the fact instead, by
 * `lakegov activity anomalies` (LA001 new-reader) over the lake's own logs.
 */
export function readerRule(readers: readonly string[] | undefined, database: string): {rule?: LakeRule; notes: string[]} {
  if (readers === undefined) return {notes: [`${READER_RULE_NAME} is left out: no grants files were read, so lakegov does not know the declared readers.`]}
  const notes: string[] = []
  const exclusions: string[] = []
  for (const reader of readers) {
    const exclusion = exclusionOf(reader)
    if (exclusion) exclusions.push(exclusion)
    else notes.push(`${READER_RULE_NAME}: ${reader} is not an IAM role, user or account, so its reads cannot be told apart in the pattern; they count as undeclared.`)
  }
  const pattern = ['($.eventSource = "lakeformation.amazonaws.com")', '($.eventName = "GetDataAccess")', `($.requestParameters.tableArn = "*:table/${database}/*")`, ...exclusions].join(' && ')
  const rule = {name: READER_RULE_NAME, title: `GetDataAccess on the ${database} tables by a principal outside the declared readers`, pattern: `{ ${pattern} }`}
  const length = [...rule.pattern].length
  if (length > MAX_PATTERN_LENGTH) {
    notes.push(
      `${READER_RULE_NAME} is left out: excluding the ${exclusions.length} declared readers takes its pattern to ${length} characters, over AWS's limit of ${MAX_PATTERN_LENGTH}. ` +
        'Run lakegov activity anomalies (LA001 new-reader) on a schedule instead, or grant through fewer roles.',
    )
    return {notes}
  }
  return {rule, notes}
}
