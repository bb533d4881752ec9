/**
 * The checks of one grant entry, as a list of small rules in the way changesets'
 * packages/config/src/rules.ts is built: each rule looks at one thing, reports what is wrong
 * through the collector, and says whether the grant may still be declared. To add a check, write a
 * `GrantRule` and put it in GRANT_RULES; parse.ts runs them all for every grant.
 */
import {permissionsFor, type ColumnSelection, type Permission, type Resource} from '../model/grant'
import {asArray, isObject, type Collector, type Json} from './collector'
import {isBroadPrincipal} from './principals'
import type {SourceRef, YamlFile, YamlPath} from './source-map'
import {hintFor} from './suggest'
import type {DesiredFilter, DesiredTag} from './types'

/** One grant entry of a file, before checking that it makes sense. */
export interface GrantEntry {
  /** The entry as written. */
  entry: Json
  /** Its file. */
  file: YamlFile
  /** Its path in the file (`['grants', 3]`). */
  path: YamlPath
}

/** The named things the files declare, across all files: what grants refer to. */
export interface Declarations {
  /** Principal name -> identifier and where it is declared. */
  principals: Map<string, {id: string; source: SourceRef}>
  /** LF-tags by lowercase key. */
  tags: Map<string, DesiredTag>
  /** Data cells filters by name. */
  filters: Map<string, DesiredFilter>
}

/** What a grant rule sees: the entry, the resource it selects, and the declarations. */
export interface GrantCheck extends GrantEntry {
  /** The resource the entry selects. */
  resource: Resource
  /** Everything the files declare. */
  declared: Declarations
  /** Where problems go. */
  collect: Collector
}

/** A rule reports through `collect`; false means the grant must not be declared. */
export type GrantRule = (check: GrantCheck) => boolean

function lowerTagMap(value: unknown): Record<string, string[]> {
  if (!isObject(value)) return {}
  return Object.fromEntries(Object.entries(value).map(([key, values]) => [key.toLowerCase(), asArray(values).map((v) => String(v).toLowerCase())]))
}

/** The key as written in the file (tag keys are compared lowercase), for locating it. */
export function originalKey(map: unknown, lowerKey: string): string[] {
  const key = isObject(map) ? Object.keys(map).find((candidate) => candidate.toLowerCase() === lowerKey) : undefined
  return key === undefined ? [] : [key]
}

export function columnSelection(value: unknown): ColumnSelection | undefined {
  if (!isObject(value)) return undefined
  if (Array.isArray(value.include)) return {include: value.include.map(String)}
  if (Array.isArray(value.exclude)) return {exclude: value.exclude.map(String)}
  return undefined
}

/** Reads the resource a grant entry selects, reporting combinations that make no sense. */
export function resourceOf(grant: GrantEntry, collect: Collector): Resource | undefined {
  const {entry, file, path} = grant
  const selectors = ['catalog', 'database', 'location', 'tag', 'tags'].filter((key) => entry[key] !== undefined)
  if (selectors.length !== 1) {
    collect.add(
      file.locate(path),
      selectors.length === 0 ? 'the grant names no resource' : `the grant names more than one resource (${selectors.join(', ')})`,
      'use exactly one of: catalog: true, database (with table, columns or filter), location, tag, tags',
    )
    return undefined
  }
  const at = (key: string) => file.locate([...path, key], {key: true})
  const misplaced = (keys: string[], reason: string): boolean => {
    const found = keys.filter((key) => entry[key] !== undefined)
    for (const key of found) collect.add(at(key), `"${key}" ${reason}`)
    return found.length > 0
  }

  switch (selectors[0]) {
    case 'catalog': {
      return misplaced(['table', 'columns', 'filter', 'on'], 'does not apply to a catalog grant') ? undefined : {type: 'catalog'}
    }
    case 'location': {
      return misplaced(['table', 'columns', 'filter', 'on'], 'does not apply to a location grant') ? undefined : {type: 'dataLocation', path: String(entry.location)}
    }
    case 'tag': {
      const tags = Object.entries(lowerTagMap(entry.tag))
      if (tags.length !== 1) {
        collect.add(at('tag'), 'a tag grant names exactly one LF-tag key', 'use tags: for an LF-tag expression')
        return undefined
      }
      return misplaced(['table', 'columns', 'filter', 'on'], 'does not apply to an LF-tag grant') ? undefined : {type: 'lfTag', key: tags[0][0], values: tags[0][1]}
    }
    case 'tags': {
      if (misplaced(['table', 'columns', 'filter'], 'does not apply to an LF-tag expression grant')) return undefined
      const expression = Object.entries(lowerTagMap(entry.tags)).map(([key, values]) => ({key, values}))
      return {type: 'lfTagPolicy', resourceType: entry.on === 'databases' ? 'DATABASE' : 'TABLE', expression}
    }
    default: {
      return misplaced(['on'], 'only applies to a tags: expression grant') ? undefined : catalogResourceOf(entry, collect, at, misplaced)
    }
  }
}

/** A database, table, columns or filter grant's resource. */
function catalogResourceOf(entry: Json, collect: Collector, at: (key: string) => SourceRef, misplaced: (keys: string[], reason: string) => boolean): Resource | undefined {
  const database = String(entry.database)
  const table = entry.table === undefined ? undefined : String(entry.table)
  if (table === undefined) {
    return misplaced(['columns', 'filter'], 'needs a table') ? undefined : {type: 'database', database}
  }
  if (entry.columns !== undefined && entry.filter !== undefined) {
    collect.add(at('filter'), '"columns" and "filter" cannot be combined', 'declare the columns on the filter instead')
    return undefined
  }
  if (table === '*') {
    return misplaced(['columns', 'filter'], 'cannot apply to every table ("*")') ? undefined : {type: 'tableWildcard', database}
  }
  if (entry.filter !== undefined) return {type: 'dataCellsFilter', database, table, filter: String(entry.filter)}
  const columns = columnSelection(entry.columns)
  return columns ? {type: 'columns', database, table, columns} : {type: 'table', database, table}
}

export const RESOURCE_NAMES: Record<Resource['type'], string> = {
  catalog: 'the catalog',
  columns: 'columns',
  dataCellsFilter: 'a data cells filter',
  dataLocation: 'a data location',
  database: 'a database',
  lfTag: 'an LF-tag',
  lfTagPolicy: 'an LF-tag expression',
  table: 'a table',
  tableWildcard: 'every table ("*")',
}

function resourceName(resource: Resource): string {
  if (resource.type === 'lfTagPolicy') return `${RESOURCE_NAMES.lfTagPolicy} on ${resource.resourceType === 'DATABASE' ? 'databases' : 'tables'}`
  return RESOURCE_NAMES[resource.type]
}

/** Each permission is one the resource takes. */
const permissionsAllowed: GrantRule = ({entry, file, path, resource, collect}) => {
  const valid = new Set<Permission>(permissionsFor(resource))
  let ok = true
  asArray(entry.permissions).forEach((permission, index) => {
    if (valid.has(String(permission) as Permission)) return
    ok = false
    collect.add(file.locate([...path, 'permissions', index]), `${String(permission)} is not a permission on ${resourceName(resource)}`, `allowed: ${[...valid].join(', ')}`)
  })
  return ok
}

/** Each grantable permission is granted too (or ALL is). */
const grantableHeld: GrantRule = ({entry, file, path, collect}) => {
  const held = new Set(asArray(entry.permissions).map(String))
  let ok = true
  asArray(entry.grantable).forEach((permission, index) => {
    if (held.has(String(permission)) || held.has('ALL')) return
    ok = false
    collect.add(file.locate([...path, 'grantable', index]), `${String(permission)} is grantable but not granted`, 'grantable must be a subset of permissions')
  })
  return ok
}

/** A filter grant names a declared filter, on the grant's own table. */
const filterDeclared: GrantRule = ({file, path, resource, declared, collect}) => {
  if (resource.type !== 'dataCellsFilter') return true
  const filter = declared.filters.get(resource.filter)
  if (!filter) {
    collect.add(file.locate([...path, 'filter']), `data cells filter "${resource.filter}" is not declared`, hintFor(resource.filter, [...declared.filters.keys()], 'filters'))
    return false
  }
  if (filter.database !== resource.database.toLowerCase() || filter.table !== resource.table.toLowerCase()) {
    collect.add(file.locate([...path, 'filter']), `data cells filter "${resource.filter}" is on ${filter.database}.${filter.table}, not ${resource.database}.${resource.table}`)
    return false
  }
  return true
}

/** An LF-tag or LF-tag expression grant names declared tags and values. */
const tagsDeclared: GrantRule = ({entry, file, path, resource, declared, collect}) => {
  if (resource.type !== 'lfTag' && resource.type !== 'lfTagPolicy') return true
  const field = resource.type === 'lfTag' ? 'tag' : 'tags'
  const tags = resource.type === 'lfTag' ? {[resource.key]: resource.values} : Object.fromEntries(resource.expression.map((condition) => [condition.key, condition.values]))
  return tagReferencesOk(tags, declared.tags, (key) => file.locate([...path, field, ...originalKey(entry[field], key)]), collect)
}

/** Every check of a grant whose resource is known; a grant is declared only if all pass. */
export const GRANT_RULES: readonly GrantRule[] = [permissionsAllowed, grantableHeld, filterDeclared, tagsDeclared]

/** Runs every rule (each reports its own problems); true when all pass. */
export function checkGrant(check: GrantCheck): boolean {
  return GRANT_RULES.map((rule) => rule(check)).every(Boolean)
}

/** The principal's identifier, when it is declared (or IAM_ALLOWED_PRINCIPALS) and broad only with allowBroad. */
export function checkPrincipal(grant: GrantEntry, principals: Declarations['principals'], collect: Collector): string | undefined {
  const {entry, file, path} = grant
  const name = String(entry.principal)
  const id = name === 'IAM_ALLOWED_PRINCIPALS' ? name : principals.get(name)?.id
  if (id === undefined) {
    collect.add(file.locate([...path, 'principal']), `unknown principal "${name}"`, hintFor(name, [...principals.keys()], 'principals'))
    return undefined
  }
  if (isBroadPrincipal(id) && entry.allowBroad !== true) {
    collect.add(
      file.locate([...path, 'principal']),
      `"${name}" (${id}) reaches every identity ${id === 'IAM_ALLOWED_PRINCIPALS' ? 'whose IAM policy allows it' : 'in an organization'}`,
      'add allowBroad: true to the grant if this is intended',
    )
    return undefined
  }
  return id
}

/** Checks that tags and values are declared; `at` locates a tag key's value in the file. */
export function tagReferencesOk(tags: Record<string, string[]>, declared: Map<string, DesiredTag>, at: (key: string) => SourceRef, collect: Collector): boolean {
  let ok = true
  for (const [key, values] of Object.entries(tags)) {
    const tag = declared.get(key)
    if (!tag) {
      collect.add(at(key), `LF-tag "${key}" is not declared`, hintFor(key, [...declared.keys()], 'LF-tags'))
      ok = false
      continue
    }
    for (const value of values.filter((v) => !tag.values.includes(v))) {
      collect.add(at(key), `"${value}" is not a value of LF-tag "${key}"`, `values: ${tag.values.join(', ')}`)
      ok = false
    }
  }
  return ok
}

