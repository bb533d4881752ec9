import {expansionOfAll, grantKey, type Grant, type Permission, type Resource} from '../model/grant'
import {isSamePrincipal} from '../model/principal'
import type {Scope} from '../policy/types'

/** Why a current grant is not lakegov's to change. */
export type ImplicitReason = 'data-lake-admin'

/** A grant read from the account, canonical, with what lakegov knows about where it comes from. */
export interface CurrentGrant extends Grant {
  /** Set when the grant is implied (data lake admins) rather than made: shown, never revoked. */
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
  /** What the principal holds now (empty for a new grant). */
  before: PermissionDelta
  /** What it will hold (empty for a revoke). */
  after: PermissionDelta
  /** What apply grants. */
  add: PermissionDelta
  /** What apply revokes. */
  remove: PermissionDelta
}

/** The difference between the declared grants and the account's. */
export interface GrantDiff {
  /** The changes, sorted by grant key. */
  changes: GrantChange[]
  /** Grants in scope the files do not declare; revoked only with --prune. Sorted. */
  unmanaged: CurrentGrant[]
  /** Implicit grants (data lake admins): shown, never revoked. Sorted. */
  implicit: CurrentGrant[]
}

function concrete(resource: Resource, permissions: Permission[]): Set<Permission> {
  const expansion = expansionOfAll(resource)
  return new Set(permissions.flatMap((permission) => (permission === 'ALL' && expansion ? expansion : [permission])))
}

/** A concrete set back in canonical form: ALL when it is the whole expansion. */
function collapse(resource: Resource, permissions: Set<Permission>): Permission[] {
  const expansion = expansionOfAll(resource)
  if (expansion && expansion.every((permission) => permissions.has(permission))) return ['ALL']
  return [...permissions].sort()
}

function minus(a: Set<Permission>, b: Set<Permission>): Set<Permission> {
  return new Set([...a].filter((permission) => !b.has(permission)))
}

const EMPTY: PermissionDelta = {permissions: [], grantable: []}

/** The change that takes `current` to `desired` for one key, or undefined when they are equal. */
export function changeFor(key: string, current: Grant | undefined, desired: Grant | undefined): GrantChange | undefined {
  const grant = (desired ?? current)!
  const resource = grant.resource
  const before = {permissions: concrete(resource, current?.permissions ?? []), grantable: concrete(resource, current?.grantable ?? [])}
  const after = {permissions: concrete(resource, desired?.permissions ?? []), grantable: concrete(resource, desired?.grantable ?? [])}

  const removePermissions = minus(before.permissions, after.permissions)
  // Revoking a permission takes its grant option with it; revoke the option alone only where the permission stays.
  const removeGrantable = minus(minus(before.grantable, after.grantable), removePermissions)
  const addPermissions = minus(after.permissions, before.permissions)
  const addGrantable = minus(after.grantable, before.grantable)
  // A grant option is added by granting the permission with it.
  for (const permission of addGrantable) addPermissions.add(permission)

  if (removePermissions.size + removeGrantable.size + addPermissions.size + addGrantable.size === 0) return undefined
  const action = !current ? 'grant' : !desired ? 'revoke' : 'change'
  return {
    action,
    key,
    principal: grant.principal,
    resource,
    before: current ? {permissions: collapse(resource, before.permissions), grantable: collapse(resource, before.grantable)} : EMPTY,
    after: desired ? {permissions: collapse(resource, after.permissions), grantable: collapse(resource, after.grantable)} : EMPTY,
    add: {permissions: collapse(resource, addPermissions), grantable: collapse(resource, addGrantable)},
    remove: {permissions: collapse(resource, removePermissions), grantable: collapse(resource, removeGrantable)},
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
export function markImplicit(grants: Grant[], admins: string[]): CurrentGrant[] {
  return grants.map((grant) => (admins.some((admin) => isSamePrincipal(admin, grant.principal)) ? {...grant, implicit: 'data-lake-admin' as const} : grant))
}

/**
 * The revokes that take every one of these grants away, merged by key first (Lake Formation may
 * list one grant as both Table and TableWithColumns), sorted by key.
 */
export function revokeAll(grants: Grant[]): GrantChange[] {
  return [...mergeByKey(grants).values()]
    .map((grant) => changeFor(grantKey(grant), grant, undefined))
    .filter((change): change is GrantChange => change !== undefined)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Merges grants with the same key (a table listed as Table and as TableWithColumns, say) into one. */
export function mergeByKey<T extends Grant>(grants: T[]): Map<string, T> {
  const merged = new Map<string, T>()
  for (const grant of grants) {
    const key = grantKey(grant)
    const seen = merged.get(key)
    if (!seen) {
      merged.set(key, {...grant, permissions: [...grant.permissions], grantable: [...grant.grantable]})
      continue
    }
    const permissions = collapse(grant.resource, new Set([...concrete(grant.resource, seen.permissions), ...concrete(grant.resource, grant.permissions)]))
    const grantable = collapse(grant.resource, new Set([...concrete(grant.resource, seen.grantable), ...concrete(grant.resource, grant.grantable)]))
    merged.set(key, {...seen, permissions, grantable})
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
  const inAccount = mergeByKey(current.filter((grant) => inScope(grant.resource, options.scope) || wanted.has(grantKey(grant))))
  const changes: GrantChange[] = []
  const unmanaged: CurrentGrant[] = []
  const implicit: CurrentGrant[] = []

  for (const key of [...new Set([...wanted.keys(), ...inAccount.keys()])].sort()) {
    const want = wanted.get(key)
    const have = inAccount.get(key)
    if (have?.implicit) {
      implicit.push(have)
      continue
    }
    if (!want && have && !options.prune) {
      unmanaged.push(have)
      continue
    }
    const change = changeFor(key, have, want)
    if (change) changes.push(change)
  }
  return {changes, unmanaged, implicit}
}
