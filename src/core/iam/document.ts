/**
 * The wire document: IAM-style policy documents (bucket, key, role and trust policies) in AWS's own
 * shape, for writing them, and the merge and equality bootstrap uses on them (reading them for
 * evaluation is policy.ts's parsePolicy): lakegov's statements are added or replaced by Sid, and every other
 * statement is kept as it is, so that bootstrap never drops what someone else put there.
 */

/** One policy statement. Values are kept as AWS returns them: a string or a list. */
export interface PolicyStatement {
  /** The statement id; lakegov's own statements start with "Lakegov". */
  Sid?: string
  /** Allow or Deny. */
  Effect: 'Allow' | 'Deny'
  /** Who, for resource policies: "*", or {AWS|Service|Federated: one or many}. */
  Principal?: string | Record<string, string | string[]>
  /** The actions. */
  Action?: string | string[]
  /** Every action but these. */
  NotAction?: string | string[]
  /** The resources. */
  Resource?: string | string[]
  /** Every resource but these. */
  NotResource?: string | string[]
  /** Condition operator -> key -> values. */
  Condition?: Record<string, Record<string, string | string[] | boolean>>
}

/** A policy document. */
export interface PolicyDocument {
  /** Always 2012-10-17 for documents lakegov writes. */
  Version: string
  /** The document id, kept when present. */
  Id?: string
  /** The statements, always a list here. */
  Statement: PolicyStatement[]
}

/** The JSON of a policy document as IAM, S3 or KMS return it: plain, or URL-encoded (RFC 3986) as IAM sends it. Throws when it is neither. */
export function policyJsonOf(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return JSON.parse(decodeURIComponent(text))
  }
}

/** Parses a policy document as IAM, S3 or KMS return it; a single statement becomes a list. */
export function parsePolicyDocument(text: string): PolicyDocument {
  const json = policyJsonOf(text.trim()) as {Version?: string; Id?: string; Statement?: PolicyStatement | PolicyStatement[]}
  const statements = json.Statement === undefined ? [] : Array.isArray(json.Statement) ? json.Statement : [json.Statement]
  return {Version: json.Version ?? '2012-10-17', ...(json.Id ? {Id: json.Id} : {}), Statement: statements}
}

/** A new document with these statements. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return {Version: '2012-10-17', Statement: statements}
}

function sortedList(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? sortedList(value[0]) : value.map((item) => sortedList(item)).map(String).sort()
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedList((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/**
 * A statement in a form where equal meaning gives equal text: lists sorted, one-item lists as
 * scalars (AWS returns ["x"] as "x"), keys sorted, the Sid left out.
 */
export function statementKey(statement: PolicyStatement): string {
  const {Sid: _sid, ...rest} = statement
  return JSON.stringify(sortedList(rest))
}

/** Whether two documents say the same thing, statement for statement (Sids included, order ignored). */
export function sameDocument(a: PolicyDocument | undefined, b: PolicyDocument | undefined): boolean {
  if (!a || !b) return a === b
  const keys = (document: PolicyDocument) => document.Statement.map((statement) => `${statement.Sid ?? ''} ${statementKey(statement)}`).sort()
  return JSON.stringify(keys(a)) === JSON.stringify(keys(b))
}

/** What merging desired statements into a document did. */
export interface StatementMerge {
  /** The merged document: the existing statements, with the desired ones added or replaced. */
  document: PolicyDocument
  /** Sids of desired statements that were missing and are added. */
  added: string[]
  /** Sids of desired statements that existed with other content and are replaced. */
  replaced: string[]
}

/**
 * Merges statements into a document. A desired statement is satisfied by a statement with the same
 * Sid and content, or by any statement with the same content under another Sid (a console-made
 * CloudTrail statement, say). Otherwise it replaces the statement with its Sid, or is appended.
 * Statements with other Sids are never removed or changed.
 */
export function mergeStatements(existing: PolicyDocument | undefined, desired: PolicyStatement[]): StatementMerge {
  const statements = [...(existing?.Statement ?? [])]
  const added: string[] = []
  const replaced: string[] = []
  for (const statement of desired) {
    const key = statementKey(statement)
    if (statements.some((candidate) => statementKey(candidate) === key)) continue
    const index = statements.findIndex((candidate) => candidate.Sid !== undefined && candidate.Sid === statement.Sid)
    if (index >= 0) {
      statements[index] = statement
      replaced.push(statement.Sid ?? '')
    } else {
      statements.push(statement)
      added.push(statement.Sid ?? '')
    }
  }
  return {document: {Version: existing?.Version ?? '2012-10-17', ...(existing?.Id ? {Id: existing.Id} : {}), Statement: statements}, added, replaced}
}
