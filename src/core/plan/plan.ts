import {createHash} from 'node:crypto'

import {grantKey, type Grant} from '../model/grant'
import {accountOfPrincipal, isBroadPrincipal} from '../policy/principals'
import type {Scope} from '../policy/types'
import {diffGrants, inScope, separateManaged, type CurrentGrant, type GrantChange} from './diff'
import {diffObjects, type ObjectChange, type ObjectsState, type TagTarget} from './objects'
import type {DesiredState} from '../policy/types'

/** The version of the saved plan format; apply refuses other versions. */
export const PLAN_VERSION = 1

/**
 * Why a change widens who can read what. `all-columns`: a column grant on a table that
 * IAM_ALLOWED_PRINCIPALS still holds, which Lake Formation stores as SELECT on every column (AWS
 * Lake Formation developer guide; AWS-FACTS "Don't mix IAMAllowedPrincipals grants with fine-grained
 * ones").
 */
export type BroadeningReason = 'new-principal' | 'wider-columns' | 'all-columns' | 'grant-option' | 'cross-account' | 'broad-principal'


/** A change that broadens access, for the approval prompt and the PR comment. */
export interface Broadening {
  /** The change's grant key. */
  key: string
  /** Why it broadens access. */
  reasons: BroadeningReason[]
}

/** Why an undeclared grant left in place is dangerous. */
export type DangerReason = 'cross-account' | 'broad-principal'

/** An unmanaged grant that deserves attention before it is left alone. */
export interface Danger {
  /** The unmanaged grant's key. */
  key: string
  /** Why it is dangerous. */
  reasons: DangerReason[]
}

/** A plan: a value that records what it was computed from, so that apply can refuse a stale one. */
export interface Plan {
  /** The plan format version. */
  version: typeof PLAN_VERSION
  /** The account the plan was made against. */
  account: string
  /** The region it was made in. */
  region: string
  /** A hash of the grants in scope that the plan was computed from. */
  fingerprint: string
  /** Whether undeclared grants in scope are revoked. */
  prune: boolean
  /** What the policy files manage. */
  scope: Scope
  /** The targets whose LF-tags were read, so that apply can read them again to check staleness. */
  objectTargets: TagTarget[]
  /** LF-tags, data cells filters and tag assignments to create or update, before any grant. */
  objects: ObjectChange[]
  /** The grant changes, sorted by grant key. */
  changes: GrantChange[]
  /** Undeclared grants in scope, left alone because prune is off. */
  unmanaged: CurrentGrant[]
  /** Grants Lake Formation implies (data lake admins) or bootstrap manages (lake.yaml's crawler role): never changed. */
  implicit: CurrentGrant[]
  /** The changes that broaden access. */
  broadening: Broadening[]
  /**
   * Unmanaged grants that reach another account or every identity (IAM_ALLOWED_PRINCIPALS, an
   * organization or OU). They count as drift: `--detailed-exitcode` exits 2 over them.
   */
  dangerous: Danger[]
  /** Counts for the summary line. */
  summary: {grant: number; revoke: number; change: number; unmanaged: number; dangerous: number; objects: number}
}

/**
 * A hash of the grants in scope: equal states give equal fingerprints, whatever order or shape
 * ListPermissions returned them in, because the grants are canonical and sorted first.
 */
export function fingerprintGrants(current: Grant[], scope: Scope, objects?: ObjectsState): string {
  const lines = current
    .filter((grant) => inScope(grant.resource, scope))
    .map((grant) => `${grantKey(grant)} ${grant.permissions.join(',')} ${grant.grantable.join(',')}`)
    .sort()
  if (objects) {
    lines.push(...objects.tags.map((tag) => `tag ${tag.key}=${tag.values.join(',')}`).sort())
    lines.push(...objects.filters.map((filter) => `filter ${JSON.stringify(filter)}`).sort())
    lines.push(...objects.assignments.map((assignment) => `assign ${JSON.stringify(assignment)}`).sort())
  }
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`
}

function broadeningOf(change: GrantChange, current: Grant[], account: string): BroadeningReason[] {
  if (change.add.permissions.length === 0 && change.add.grantable.length === 0) return []
  const reasons: BroadeningReason[] = []
  if (!current.some((grant) => grant.principal === change.principal)) reasons.push('new-principal')
  // Any new SELECT on table data lets the principal read columns (or rows) it could not read before.
  const readsData = ['table', 'tableWildcard', 'columns', 'dataCellsFilter', 'lfTagPolicy'].includes(change.resource.type)
  if (readsData && (change.add.permissions.includes('SELECT') || change.add.permissions.includes('ALL'))) reasons.push('wider-columns')
  if (change.resource.type === 'columns' && change.add.permissions.includes('SELECT')) {
    const {database, table} = change.resource
    const held = current.some((grant) => grant.principal === 'IAM_ALLOWED_PRINCIPALS' && grant.resource.type === 'table' && grant.resource.database === database && grant.resource.table === table)
    if (held) reasons.push('all-columns')
  }
  if (change.add.grantable.length > 0) reasons.push('grant-option')
  reasons.push(...dangerOf(change.principal, account))
  return reasons
}

/** Why an undeclared grant is dangerous: it reaches another account, or more than named identities. */
export function dangerOf(principal: string, account: string): DangerReason[] {
  const reasons: DangerReason[] = []
  const principalAccount = accountOfPrincipal(principal)
  if (principalAccount && principalAccount !== account && !isBroadPrincipal(principal)) reasons.push('cross-account')
  if (isBroadPrincipal(principal)) reasons.push('broad-principal')
  return reasons
}

/** Builds the plan: the diff, plus what apply needs to trust it later. Pure. */
export function buildPlan(input: {
  desired: Grant[]
  current: CurrentGrant[]
  scope: Scope
  prune: boolean
  account: string
  region: string
  /** The declared LF-tags, filters and assignments, with what the account holds of them. */
  objects?: {desired: Pick<DesiredState, 'tags' | 'filters' | 'assignments'>; current: ObjectsState}
  /** Grants bootstrap manages (lake.yaml's crawler role): shown as such, never changed or pruned here. */
  managed?: Grant[]
}): Plan {
  const separated = separateManaged(input.desired, input.current, input.managed ?? [])
  const diff = diffGrants(separated.desired, separated.current, {scope: input.scope, prune: input.prune})
  const objects = input.objects ? diffObjects(input.objects.desired, input.objects.current) : []
  const broadening = diff.changes
    .map((change) => ({key: change.key, reasons: broadeningOf(change, input.current, input.account)}))
    .filter((entry) => entry.reasons.length > 0)
  const dangerous = diff.unmanaged
    .map((grant) => ({key: grantKey(grant), reasons: dangerOf(grant.principal, input.account)}))
    .filter((entry) => entry.reasons.length > 0)
  const count = (action: GrantChange['action']) => diff.changes.filter((change) => change.action === action).length
  return {
    version: PLAN_VERSION,
    account: input.account,
    region: input.region,
    fingerprint: fingerprintGrants(input.current, input.scope, input.objects?.current),
    prune: input.prune,
    scope: input.scope,
    objectTargets: input.objects?.current.assignments.map((assignment) => assignment.target) ?? [],
    objects,
    ...diff,
    broadening,
    dangerous,
    summary: {grant: count('grant'), revoke: count('revoke'), change: count('change'), unmanaged: diff.unmanaged.length, dangerous: dangerous.length, objects: objects.length},
  }
}
