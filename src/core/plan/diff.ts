import {canonicalPermissions, concretePermissions, expansionOfAll, grantKey, type Grant, type ListedGrant, type Permission, type Resource} from '../model/grant'
import {isSamePrincipal} from '../model/principal'
import {compareText, sortedUnique} from '../order'
import type {Scope} from '../policy/types'

/**
 * Why a current grant is not lakegov's grants files' to change: a data lake admin's implicit grant,
 * or one that lake.yaml implies and bootstrap makes (the crawler role's, the registration's).
 */
export type ImplicitReason = 'data-lake-admin' | 'bootstrap'

/** A grant read from the account, canonical, with what lakegov knows about where it comes from. */
export interface CurrentGrant extends ListedGrant {
  /** Set when the grant is implied (data lake admins) or managed by bootstrap: shown, never revoked. */
  implicit?: ImplicitReason
}

/** Permissions to add or remove, split by whether the grant option is part of it. */
export interface PermissionDelta {
  /** Permissions (with or without the grant option). */
  permissions: Permission[]
  /** Permissions whose grant option is added or removed. */
  grantable: Permission[]
}

/** One change to one principal's permissions on one resource. */
export interface GrantChange {
  /** grant: the principal has nothing there yet; revoke: it keeps nothing there; change: both. */
  action: 'grant' | 'revoke' | 'change'
  /** The grant key: principal and canonical resource. */
  key: string
  /** The principal's identifier. */
  principal: string
  /** The canonical resource. */
  resource: Resource
  /** What the principal holds now, canonical (empty for a new grant). */
  before: PermissionDelta
  /** What it will hold, canonical (empty for a revoke). */
  after: PermissionDelta
  /** What apply grants, canonical. */
  add: PermissionDelta
  /** What is taken away, canonical: for display and review. */
  remove: PermissionDelta
  /**
   * What apply's revoke sends: the names the account lists (ALL and its expansion side by side,
   * where the account lists them so), never folded into an ALL the account does not list, which
   * Lake Formation could answer with "No permissions revoked".
   */
  revoke: PermissionDelta
}

/** The difference between the declared grants and the account's. */
export interface GrantDiff {
  /** The changes, sorted by grant key. */
  changes: GrantChange[]
  /** Grants in scope the files do not declare; revoked only with --prune. Sorted. */
  unmanaged: CurrentGrant[]
  /** Implicit grants (data lake admins, bootstrap's): shown, never revoked. Sorted. */
  implicit: CurrentGrant[]
}

function minus(a: Set<Permission>, b: Set<Permission>): Set<Permission> {
  return new Set([...a].filter((permission) => !b.has(permission)))
}

function sorted(permissions: Iterable<Permission>): Permission[] {
  return [...permissions].sort(compareText)
}

const EMPTY: PermissionDelta = {permissions: [], grantable: []}

/**
 * What a revoke sends: the concrete permissions that go, plus ALL itself when the account lists ALL
 * and nothing of its expansion stays. Narrowing ALL sends only the permissions that go: taking any
 * part of ALL's expansion takes ALL with it, while revoking ALL would take the whole expansion, the
 * part meant to stay included. Without a listing (a grant built in memory), its canonical form
 * stands for it.
 */
function revokeNames(resource: Resource, removed: Set<Permission>, listed: Permission[], keep: Set<Permission>): Permission[] {
  const names = new Set(removed)
  const expansion = expansionOfAll(resource)
  if (expansion && listed.includes('ALL') && !expansion.some((permission) => keep.has(permission))) names.add('ALL')
  return sorted(names)
}

/** The change that takes `current` to `desired` for one key, or undefined when they are equal. */
export function changeFor(key: string, current: ListedGrant | undefined, desired: Grant | undefined): GrantChange | undefined {
  const grant = (desired ?? current)!
  const resource = grant.resource
  const concrete = (permissions: Permission[] | undefined) => concretePermissions(resource, permissions ?? [])
  const before = {permissions: concrete(current?.permissions), grantable: concrete(current?.grantable)}
  const after = {permissions: concrete(desired?.permissions), grantable: concrete(desired?.grantable)}

  const removePermissions = minus(before.permissions, after.permissions)
  // Revoking a permission takes its grant option with it; revoke the option alone only where the permission stays.
  const removeGrantable = minus(minus(before.grantable, after.grantable), removePermissions)
  const addPermissions = minus(after.permissions, before.permissions)
  const addGrantable = minus(after.grantable, before.grantable)
  // A grant option is added by granting the permission with it.
  for (const permission of addGrantable) addPermissions.add(permission)

  if (removePermissions.size + removeGrantable.size + addPermissions.size + addGrantable.size === 0) return undefined
  const action = !current ? 'grant' : !desired ? 'revoke' : 'change'
  const listed = current?.listed ?? {permissions: current?.permissions ?? [], grantable: current?.grantable ?? []}
  const revokedPermissions = removePermissions.size > 0 ? revokeNames(resource, removePermissions, listed.permissions, after.permissions) : []
  // Revoking ALL takes ALL's grant option with it.
  const revokedGrantable =
    removeGrantable.size > 0 ? revokeNames(resource, removeGrantable, revokedPermissions.includes('ALL') ? [] : listed.grantable, after.grantable) : []
  return {
    action,
    key,
    principal: grant.principal,
    resource,
    before: current ? {permissions: canonicalPermissions(resource, before.permissions), grantable: canonicalPermissions(resource, before.grantable)} : EMPTY,
    after: desired ? {permissions: canonicalPermissions(resource, after.permissions), grantable: canonicalPermissions(resource, after.grantable)} : EMPTY,
    add: {permissions: canonicalPermissions(resource, addPermissions), grantable: canonicalPermissions(resource, addGrantable)},
    remove: {permissions: canonicalPermissions(resource, removePermissions), grantable: canonicalPermissions(resource, removeGrantable)},
    revoke: {permissions: revokedPermissions, grantable: revokedGrantable},
  }
}

/** Whether a grant's resource is inside the scope the files manage. */
export function inScope(resource: Resource, scope: Scope): boolean {
  switch (resource.type) {
    case 'catalog': {
      return scope.catalog
    }
    case 'dataLocation': {
      return scope.locations.includes(resource.path)
    }
    case 'lfTag':
    case 'lfTagPolicy': {
      return scope.tags
    }
    default: {
      return scope.databases.includes(resource.database)
    }
  }
}

/** Marks the grants Lake Formation implies rather than stores: those to data lake admins. */
export function markImplicit(grants: ListedGrant[], admins: string[]): CurrentGrant[] {
  return grants.map((grant) => (admins.some((admin) => isSamePrincipal(admin, grant.principal)) ? {...grant, implicit: 'data-lake-admin' as const} : grant))
}

/**
 * Takes the grants bootstrap manages (those lake.yaml implies: the crawler role's) out of the
 * grants engine's hands. For each managed grant's key, the managed permissions held become an
 * implicit grant marked `bootstrap` (shown, never revoked, even with --prune), and are taken out
 * of both the current and the desired grant, so that neither a declaration nor its absence fights
 * bootstrap. Anything else held on that key stays the grants engine's business.
 */
export function separateManaged<D extends Grant>(desired: D[], current: CurrentGrant[], managed: Grant[]): {desired: D[]; current: CurrentGrant[]} {
  if (managed.length === 0) return {desired, current}
  const byKey = mergeByKey(managed)
  const without = <T extends Grant>(grant: T, taken: Set<Permission>): T | undefined => {
    const permissions = minus(concretePermissions(grant.resource, grant.permissions), taken)
    if (permissions.size === 0) return undefined
    const grantable = minus(concretePermissions(grant.resource, grant.grantable), taken)
    return {...grant, permissions: canonicalPermissions(grant.resource, permissions), grantable: canonicalPermissions(grant.resource, grantable)}
  }
  const outCurrent: CurrentGrant[] = []
  for (const grant of current) {
    const own = byKey.get(grantKey(grant))
    if (!own || grant.implicit) {
      outCurrent.push(grant)
      continue
    }
    const mine = concretePermissions(grant.resource, own.permissions)
    const held = concretePermissions(grant.resource, grant.permissions)
    const shared = new Set([...held].filter((permission) => mine.has(permission)))
    if (shared.size > 0) {
      outCurrent.push({principal: grant.principal, resource: grant.resource, permissions: canonicalPermissions(grant.resource, shared), grantable: [], implicit: 'bootstrap'})
    }
    const rest = without(grant, mine)
    if (rest) outCurrent.push(grant.listed ? {...rest, listed: {permissions: grant.listed.permissions.filter((p) => !mine.has(p) && p !== 'ALL'), grantable: grant.listed.grantable.filter((p) => !mine.has(p) && p !== 'ALL')}} : rest)
  }
  const outDesired = desired.flatMap((grant) => {
    const own = byKey.get(grantKey(grant))
    if (!own) return [grant]
    const rest = without(grant, concretePermissions(grant.resource, own.permissions))
    return rest ? [rest] : []
  })
  return {desired: outDesired, current: outCurrent}
}

/**
 * The revokes that take every one of these grants away, merged by key first (Lake Formation may
 * list one grant as both Table and TableWithColumns), sorted by key.
 */
export function revokeAll(grants: ListedGrant[]): GrantChange[] {
  return [...mergeByKey(grants).values()]
    .map((grant) => changeFor(grantKey(grant), grant, undefined))
    .filter((change): change is GrantChange => change !== undefined)
    .sort((a, b) => compareText(a.key, b.key))
}

/**
 * Merges grants with the same key (a table listed as Table and as TableWithColumns, a table
 * wildcard listed as Table{TableWildcard} and TableWithColumns{ALL_TABLES}) into one, under the
 * one canonical permission rule; what the account listed is merged too.
 */
export function mergeByKey<T extends ListedGrant>(grants: T[]): Map<string, T> {
  const merged = new Map<string, T>()
  for (const grant of grants) {
    const key = grantKey(grant)
    const seen = merged.get(key)
    if (!seen) {
      merged.set(key, {...grant, permissions: [...grant.permissions], grantable: [...grant.grantable]})
      continue
    }
    const union = <P extends Permission>(a: P[], b: P[]) => [...a, ...b]
    const listed =
      seen.listed || grant.listed
        ? {
            listed: {
              permissions: sortedUnique(union(seen.listed?.permissions ?? seen.permissions, grant.listed?.permissions ?? grant.permissions)) as Permission[],
              grantable: sortedUnique(union(seen.listed?.grantable ?? seen.grantable, grant.listed?.grantable ?? grant.grantable)) as Permission[],
            },
          }
        : {}
    merged.set(key, {
      ...seen,
      permissions: canonicalPermissions(grant.resource, union(seen.permissions, grant.permissions)),
      grantable: canonicalPermissions(grant.resource, union(seen.grantable, grant.grantable)),
      ...listed,
    })
  }
  return merged
}

/**
 * Compares desired and current grants, both canonical. Implicit grants are never changed. Grants in
 * scope that the files do not declare are revoked only when `prune` is set, and listed as unmanaged
 * otherwise. Grants outside the scope are not looked at.
 */
export function diffGrants(desired: Grant[], current: CurrentGrant[], options: {scope: Scope; prune: boolean}): GrantDiff {
  const wanted = mergeByKey(desired)
  const relevant = current.filter((grant) => inScope(grant.resource, options.scope) || wanted.has(grantKey(grant)))
  const held = mergeByKey(relevant.filter((grant) => grant.implicit))
  const inAccount = mergeByKey(relevant.filter((grant) => !grant.implicit))
  const changes: GrantChange[] = []
  const unmanaged: CurrentGrant[] = []
  const implicit: CurrentGrant[] = []

  for (const key of sortedUnique([...wanted.keys(), ...inAccount.keys(), ...held.keys()])) {
    const implied = held.get(key)
    if (implied) implicit.push(implied)
    // An admin's grant is all implied; bootstrap's covers only its own permissions, and whatever
    // else the key holds or declares is compared as usual.
    if (implied?.implicit === 'data-lake-admin') continue
    const want = wanted.get(key)
    const have = inAccount.get(key)
    if (!want && !have) continue
    if (!want && have && !options.prune) {
      unmanaged.push(have)
      continue
    }
    const change = changeFor(key, have, want)
    if (change) changes.push(change)
  }
  return {changes, unmanaged, implicit}
}
