/**
 * How identity policies, a permissions boundary and a resource policy combine into one decision,
 * as the IAM User Guide documents it:
 *
 * - "Policy evaluation logic" (reference_policies_evaluation-logic.html): within one account, "if
 *   an action is allowed by an identity-based policy, a resource-based policy, or both, then AWS
 *   allows the action. An explicit deny in either of these policies overrides the allow."
 * - "Permissions boundaries for IAM entities" (access_policies_boundaries.html), same account:
 *   "resource-based policies that grant permissions to an IAM user ARN ... are not limited by an
 *   implicit deny in an identity-based policy or permissions boundary"; those "that grant
 *   permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary";
 *   those that grant to "an IAM role session ARN grant permissions directly to the assumed role
 *   session" and are not limited by the boundary. Identity policies and the boundary intersect.
 * - "IAM JSON policy elements: Principal": an account principal "delegates authority to the
 *   account", so in the resource's own account it grants nothing that IAM does not; "*" grants to
 *   IAM users and role sessions of the account with "no other permissions required", and boundaries
 *   "do not limit permissions granted using ... a wildcard (*) in the Principal element".
 * - Across accounts ("Cross-account policy evaluation logic") both sides must allow; the other
 *   account's IAM policies are not visible here, so only the resource side is evaluated, which can
 *   over-report and never hide.
 *
 * Out of scope, on purpose: SCPs, RCPs, session policies, KMS key policies and ACLs. An audit that
 * ignores them can only over-report access, never hide it.
 */
import {parseIamIdentity} from '../model/principal'
import {allOf, anyOf, applicableStatements, decideRegion, type Candidate, type Evaluation, type PolicyRequest} from './evaluate'
import {accountOf, type Region} from './match'
import type {NamedPolicy} from './policy'

/** The policies that bear on one caller's request. */
export interface PolicySet {
  /** The account that owns the resource. */
  resourceAccount: string
  /** The caller's identity policies (inline, attached, groups'); undefined when they cannot be known (another account). */
  identity?: readonly NamedPolicy[]
  /** The caller's permissions boundary, when it has one. */
  boundary?: NamedPolicy
  /** The resource's policy (a bucket policy), when it has one. */
  resource?: NamedPolicy
}

function isAllow(candidate: Candidate): boolean {
  return candidate.statement.effect === 'Allow'
}

/**
 * Whether the caller may act on the region, every policy type considered. The caller is an IAM
 * user, a role (some session of it) or a session of a role of the resource's account, or any
 * other principal (another account's, a service, "*"), for which only the resource policy speaks.
 */
export function authorizeRegion(request: Omit<PolicyRequest, 'resource'>, region: Region, policies: PolicySet): Evaluation {
  const principal = request.principal
  const identity = principal ? parseIamIdentity(principal) : undefined
  const iamCaller = identity !== undefined && identity.kind !== 'root'
  const withBoundary = {...request, hasBoundary: iamCaller && policies.boundary !== undefined}
  const fromIdentity = policies.identity ? applicableStatements(withBoundary, policies.identity) : []
  const fromBoundary = policies.boundary ? applicableStatements(withBoundary, [policies.boundary]) : []
  const fromResource = policies.resource ? applicableStatements(withBoundary, [policies.resource]) : []
  // An explicit Deny in any policy overrides every Allow.
  const denies = [...fromIdentity, ...fromBoundary, ...fromResource].filter((candidate) => !isAllow(candidate))
  const resourceAllows = fromResource.filter(isAllow)
  const sameAccount = principal !== undefined && accountOf(principal) === policies.resourceAccount

  const bounded = (allows: Candidate[]): Evaluation => {
    const granted = decideRegion(region, allows, denies)
    return policies.boundary ? allOf(granted, decideRegion(region, fromBoundary.filter(isAllow), denies)) : granted
  }

  if (iamCaller && sameAccount) {
    // Granted to the user or session itself, or to "*": not limited by the boundary.
    const direct = decideRegion(
      region,
      resourceAllows.filter((candidate) => candidate.principal === 'direct' || candidate.principal === 'identity'),
      denies,
    )
    // Granted by identity policies, or to the role's ARN: limited by the boundary. A grant to the
    // account itself only delegates to these identity policies, so it adds nothing.
    const viaIdentity = bounded([...fromIdentity.filter(isAllow), ...resourceAllows.filter((candidate) => candidate.principal === 'role')])
    return anyOf(direct, viaIdentity)
  }
  const resourceSide = decideRegion(region, resourceAllows, denies)
  if (!policies.identity) return resourceSide
  return allOf(resourceSide, bounded(fromIdentity.filter(isAllow)))
}
