/**
 * The scope of a policy's S3 resources: the "registration or crawler role broader than its prefix"
 * check of the lake findings.
 */
import {globReachesPrefix, matchesGlob, objectArnPrefix} from './match'
import type {NamedPolicy, Statement} from './policy'

/** A statement whose S3 resources reach beyond an allowed bucket/prefix. */
export interface ScopeViolation {
  /** The policy's name. */
  policy: string
  /** The statement's Sid, when it has one. */
  sid?: string
  /** The statement's 0-based position. */
  index: number
  /** The offending Resource or NotResource pattern. */
  pattern: string
  /** Why it is too broad. */
  reason: 'wildcard-resource' | 'not-resource' | 'outside-prefix'
}

function isS3Action(pattern: string): boolean {
  return matchesGlob(pattern.split(':')[0] ?? '', 's3', true) && pattern.includes(':')
}

function statementTouchesS3(statement: Statement): boolean {
  if (statement.notAction) return true
  return statement.action!.some((pattern) => pattern === '*' || isS3Action(pattern))
}

/**
 * The Allow statements that grant S3 actions on anything outside bucket/prefix. Allowed are object
 * ARNs under the prefix, the bucket ARN itself (s3:ListBucket needs it), and the bucket root when
 * the prefix is empty. A Resource of "*" or one whose glob reaches any other bucket or key is
 * reported, as is any NotResource. Statements that cannot be read are the evaluator's concern.
 */
export function findScopeViolations(policies: readonly NamedPolicy[], bucket: string, prefix: string): ScopeViolation[] {
  const allowedObjects = objectArnPrefix(bucket, prefix)
  const bucketArn = `arn:aws:s3:::${bucket}`
  const violations: ScopeViolation[] = []
  for (const policy of policies) {
    policy.document.statements.forEach((statement, index) => {
      if (statement.problem || statement.effect !== 'Allow' || !statementTouchesS3(statement)) return
      const base = {policy: policy.name, sid: statement.sid, index}
      for (const pattern of statement.notResource ?? []) violations.push({...base, pattern, reason: 'not-resource'})
      for (const pattern of statement.resource ?? (statement.notResource ? [] : ['*'])) {
        if (pattern === '*') violations.push({...base, pattern, reason: 'wildcard-resource'})
        else if (pattern.startsWith('arn:') && !isWithin(pattern, bucketArn, allowedObjects)) violations.push({...base, pattern, reason: 'outside-prefix'})
      }
    })
  }
  return violations
}

/** Whether every ARN the glob matches is the bucket itself or an object under the allowed prefix. */
function isWithin(pattern: string, bucketArn: string, allowedObjects: string): boolean {
  if (pattern === bucketArn) return true
  // ARNs of other services (a KMS key, say) are not this check's concern; "arn:aws:*" is.
  if (!globReachesPrefix(pattern, 'arn:aws:s3:::')) return true
  const wildcard = pattern.search(/[*?]/)
  const literal = wildcard === -1 ? pattern : pattern.slice(0, wildcard)
  return literal.startsWith(allowedObjects)
}
