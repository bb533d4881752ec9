import {
  canonicalColumns,
  canonicalGrant,
  canonicalResource,
  grantKey,
  permissionsFor,
  type ColumnSelection,
  type Permission,
  type Resource,
} from '../model/grant'
import {isBroadPrincipal, principalKind} from './principals'
import {validateGrants} from './grants-validator.generated'
import {readYaml, type SourceRef, type YamlFile, type YamlPath} from './source-map'
import {schemaIssues} from './schema-issues'
import {hintFor} from './suggest'
import type {DesiredAssignment, DesiredFilter, DesiredGrant, DesiredTag, ParseResult, PolicyIssue, PolicySource, Scope} from './types'
import {compareText} from '../order'

type Json = Record<string, unknown>

/** Precompiled by `npm run schema` (ajv standalone): compiling the schema at start cost more than the rest of `grants validate`. */
const validateSchema = validateGrants

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** What each grant entry's keys select, before checking that it makes sense. */
interface GrantEntry {
  entry: Json
  file: YamlFile
  path: YamlPath
}

/** Collects problems and keeps the first declaration of each named thing. */
class Collector {
  readonly issues: PolicyIssue[] = []

  add(ref: SourceRef, message: string, hint?: string): void {
    this.issues.push({...ref, message, ...(hint ? {hint} : {})})
  }

  /** Records a named declaration, or reports a duplicate naming both places. */
  declare<T extends {source: SourceRef}>(seen: Map<string, T>, key: string, value: T, what: string, same?: (a: T, b: T) => boolean): void {
    const first = seen.get(key)
    if (!first) {
      seen.set(key, value)
      return
    }
    if (same?.(first, value)) return
    this.add(value.source, `${what} is declared twice`, `first declared at ${first.source.file}:${first.source.line} (${first.source.field})`)
  }
}

function lowerTagMap(value: unknown): Record<string, string[]> {
  if (!isObject(value)) return {}
  return Object.fromEntries(Object.entries(value).map(([key, values]) => [key.toLowerCase(), asArray(values).map((v) => String(v).toLowerCase())]))
}

/** The key as written in the file (tag keys are compared lowercase), for locating it. */
function originalKey(map: unknown, lowerKey: string): string[] {
  const key = isObject(map) ? Object.keys(map).find((candidate) => candidate.toLowerCase() === lowerKey) : undefined
  return key === undefined ? [] : [key]
}

function columnSelection(value: unknown): ColumnSelection | undefined {
  if (!isObject(value)) return undefined
  if (Array.isArray(value.include)) return {include: value.include.map(String)}
  if (Array.isArray(value.exclude)) return {exclude: value.exclude.map(String)}
  return undefined
}

/** A filter's columns, canonical: the account lists them lowercase and sorted, so the file side must be too. */
function canonicalSelection(value: unknown): ColumnSelection | undefined {
  const selection = columnSelection(value)
  return selection && canonicalColumns(selection)
}

/** Reads the resource a grant entry selects, reporting combinations that make no sense. */
function resourceOf(grant: GrantEntry, collect: Collector): Resource | undefined {
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
      if (misplaced(['on'], 'only applies to a tags: expression grant')) return undefined
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
  }
}

const RESOURCE_NAMES: Record<Resource['type'], string> = {
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

function checkPermissions(grant: GrantEntry, resource: Resource, collect: Collector): {permissions: Permission[]; grantable: Permission[]} | undefined {
  const {entry, file, path} = grant
  const valid = new Set<Permission>(permissionsFor(resource))
  const permissions = asArray(entry.permissions).map(String) as Permission[]
  const grantable = asArray(entry.grantable).map(String) as Permission[]
  let ok = true
  permissions.forEach((permission, index) => {
    if (!valid.has(permission)) {
      ok = false
      collect.add(file.locate([...path, 'permissions', index]), `${permission} is not a permission on ${resourceName(resource)}`, `allowed: ${[...valid].join(', ')}`)
    }
  })
  const held = new Set(permissions)
  grantable.forEach((permission, index) => {
    if (!held.has(permission) && !held.has('ALL')) {
      ok = false
      collect.add(file.locate([...path, 'grantable', index]), `${permission} is grantable but not granted`, 'grantable must be a subset of permissions')
    }
  })
  return ok ? {permissions, grantable} : undefined
}

function checkPrincipal(grant: GrantEntry, principals: Map<string, {id: string; source: SourceRef}>, collect: Collector): string | undefined {
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
function tagReferencesOk(tags: Record<string, string[]>, declared: Map<string, DesiredTag>, at: (key: string) => SourceRef, collect: Collector): boolean {
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

/**
 * Parses and validates policy files into one desired state. Every problem in every file is
 * reported, each with its file, line, column and field. Nothing here reads files or calls AWS.
 */
export function parsePolicies(sources: PolicySource[]): ParseResult {
  const collect = new Collector()
  const files: {file: YamlFile; doc: Json}[] = []

  for (const source of [...sources].sort((a, b) => compareText(a.path, b.path))) {
    const read = readYaml(source)
    if (!read.ok) {
      collect.issues.push(...read.issues)
      continue
    }
    const {file} = read
    const value = read.value ?? {}
    if (!validateSchema(value)) collect.issues.push(...schemaIssues(file, validateSchema.errors ?? []))
    if (isObject(value)) files.push({file, doc: value})
  }

  // Declarations first, across all files, so that references resolve whatever the file order.
  const principals = new Map<string, {id: string; source: SourceRef}>()
  const tags = new Map<string, DesiredTag>()
  const filters = new Map<string, DesiredFilter>()
  for (const {file, doc} of files) {
    for (const [name, id] of Object.entries(isObject(doc.principals) ? doc.principals : {})) {
      const source = file.locate(['principals', name])
      if (typeof id !== 'string') continue
      if (!principalKind(id) || id === 'IAM_ALLOWED_PRINCIPALS') {
        collect.add(source, `"${id}" is not a valid principal`, 'use an IAM role or user ARN, a 12-digit account id, an organization or OU ARN, or a SAML or Identity Center group ARN')
        continue
      }
      collect.declare(principals, name, {id, source}, `principal "${name}"`, (a, b) => a.id === b.id)
    }
    for (const [key, values] of Object.entries(isObject(doc.tags) ? doc.tags : {})) {
      const tag = {key: key.toLowerCase(), values: [...new Set(asArray(values).map((v) => String(v).toLowerCase()))].sort(), source: file.locate(['tags', key])}
      collect.declare(tags, tag.key, tag, `LF-tag "${key}"`, (a, b) => a.values.join() === b.values.join())
    }
    for (const [name, spec] of Object.entries(isObject(doc.filters) ? doc.filters : {})) {
      if (!isObject(spec)) continue
      const filter: DesiredFilter = {
        name,
        database: String(spec.database).toLowerCase(),
        table: String(spec.table).toLowerCase(),
        ...(spec.rows === undefined ? {} : {rows: String(spec.rows)}),
        ...(spec.columns === undefined ? {} : {columns: canonicalSelection(spec.columns)}),
        source: file.locate(['filters', name]),
      }
      collect.declare(filters, name, filter, `data cells filter "${name}"`)
    }
  }

  const grants = new Map<string, DesiredGrant>()
  for (const {file, doc} of files) {
    asArray(doc.grants).forEach((entry, index) => {
      if (!isObject(entry)) return
      const grant: GrantEntry = {entry, file, path: ['grants', index]}
      const principal = checkPrincipal(grant, principals, collect)
      const resource = resourceOf(grant, collect)
      if (!resource) return
      const permissions = checkPermissions(grant, resource, collect)
      if (resource.type === 'dataCellsFilter') {
        const filter = filters.get(resource.filter)
        if (!filter) {
          collect.add(file.locate([...grant.path, 'filter']), `data cells filter "${resource.filter}" is not declared`, hintFor(resource.filter, [...filters.keys()], 'filters'))
          return
        }
        if (filter.database !== resource.database.toLowerCase() || filter.table !== resource.table.toLowerCase()) {
          collect.add(file.locate([...grant.path, 'filter']), `data cells filter "${resource.filter}" is on ${filter.database}.${filter.table}, not ${resource.database}.${resource.table}`)
          return
        }
      }
      const tagAt = (field: string) => (key: string) => file.locate([...grant.path, field, ...originalKey(entry[field], key)])
      if (resource.type === 'lfTag' && !tagReferencesOk({[resource.key]: resource.values}, tags, tagAt('tag'), collect)) return
      if (resource.type === 'lfTagPolicy') {
        const expression = Object.fromEntries(resource.expression.map((condition) => [condition.key, condition.values]))
        if (!tagReferencesOk(expression, tags, tagAt('tags'), collect)) return
      }
      if (!principal || !permissions) return
      const desired: DesiredGrant = {...canonicalGrant({principal, resource, ...permissions}), source: file.locate(grant.path)}
      collect.declare(grants, grantKey(desired), desired, `a grant to ${String(entry.principal)} on ${RESOURCE_NAMES[desired.resource.type]}`)
    })
  }

  const assignments: DesiredAssignment[] = []
  for (const {file, doc} of files) {
    asArray(doc.assign).forEach((entry, index) => {
      if (!isObject(entry) || !isObject(entry.tags)) return
      const path = ['assign', index]
      const assigned = Object.fromEntries(Object.entries(entry.tags).map(([key, value]) => [key.toLowerCase(), String(value).toLowerCase()]))
      const asLists = Object.fromEntries(Object.entries(assigned).map(([key, value]) => [key, [value]]))
      if (!tagReferencesOk(asLists, tags, (key) => file.locate([...path, 'tags', ...originalKey(entry.tags, key)]), collect)) return
      assignments.push({
        database: String(entry.database).toLowerCase(),
        ...(entry.table === undefined ? {} : {table: String(entry.table).toLowerCase()}),
        ...(Array.isArray(entry.columns) ? {columns: entry.columns.map((c) => String(c).toLowerCase()).sort()} : {}),
        tags: assigned,
        source: file.locate(path),
      })
    })
  }

  const scope = scopeOf(files, [...grants.values()], collect)
  if (collect.issues.length > 0) {
    const issues = collect.issues.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.message, b.message))
    return {ok: false, issues}
  }
  return {
    ok: true,
    state: {
      principals: Object.fromEntries([...principals].map(([name, {id}]) => [name, id]).sort(([a], [b]) => compareText(a, b))),
      scope,
      grants: [...grants.values()].sort((a, b) => compareText(grantKey(a), grantKey(b))),
      filters: [...filters.values()].sort((a, b) => compareText(`${a.database}.${a.table}.${a.name}`, `${b.database}.${b.table}.${b.name}`)),
      tags: [...tags.values()].sort((a, b) => compareText(a.key, b.key)),
      assignments,
    },
  }
}

/**
 * The scope: what the files declare under scope:, merged across files. Each part of the scope that
 * no file declares is derived from the grants (the files manage exactly what they name). A grant
 * outside a declared part is an error, because --prune could never converge it.
 */
function scopeOf(files: {file: YamlFile; doc: Json}[], grants: DesiredGrant[], collect: Collector): Scope {
  const specs = files.map(({doc}) => doc.scope).filter(isObject)
  const declares = (key: string) => specs.some((spec) => spec[key] !== undefined)
  const databases = new Set(specs.flatMap((spec) => asArray(spec.databases).map((database) => String(database).toLowerCase())))
  const locations = new Set(
    specs.flatMap((spec) => asArray(spec.locations).map((location) => (canonicalResource({type: 'dataLocation', path: String(location)}) as {path: string}).path)),
  )
  let catalog = specs.some((spec) => spec.catalog === true)
  let tags = specs.some((spec) => spec.tags === true)

  const require = (grant: DesiredGrant, inScope: boolean, key: string, what: string, fix: string, widen: () => void) => {
    if (inScope) return
    if (declares(key)) collect.add(grant.source, `${what} is outside the declared scope`, fix)
    else widen()
  }
  for (const grant of grants) {
    const resource = grant.resource
    if ('database' in resource) {
      const {database} = resource
      require(grant, databases.has(database), 'databases', `database "${database}"`, 'add it to scope.databases', () => databases.add(database))
    } else if (resource.type === 'dataLocation') {
      require(grant, locations.has(resource.path), 'locations', `location ${resource.path}`, 'add it to scope.locations', () => locations.add(resource.path))
    } else if (resource.type === 'catalog') {
      require(grant, catalog, 'catalog', 'a catalog grant', 'set scope.catalog: true', () => (catalog = true))
    } else {
      require(grant, tags, 'tags', 'an LF-tag grant', 'set scope.tags: true', () => (tags = true))
    }
  }
  return {databases: [...databases].sort(), locations: [...locations].sort(), catalog, tags}
}
