/**
 * DESIGN: core/policy turns the policy files into one desired state, in four phases:
 *   parse         readPolicyFiles: YAML with positions (source-map.ts) and the JSON Schema (schema.ts);
 *   declarations  declarationsOf: principals, LF-tags and data cells filters across all files, so
 *                 references resolve whatever the file order;
 *   rules         grantsOf and assignmentsOf: each grant entry's resource (rules.ts resourceOf),
 *                 then the list of small grant rules (rules.ts GRANT_RULES), then the grant is
 *                 normalised (model/grant.ts canonicalGrant) and declared under its grantKey;
 *   scope         scopeOf: what --prune may touch.
 * Every problem is collected with its file, line, column and field (collector.ts); the result is a
 * discriminated union. lake.yaml has its own parser (lake-parse.ts); the catalog references, which
 * need the account, are checked later (references.ts). Nothing here reads files or calls AWS.
 */
import {canonicalColumns, canonicalGrant, canonicalResource, grantKey, type ColumnSelection, type Permission} from '../model/grant'
import {asArray, Collector, isObject, type Json} from './collector'
import {principalKind} from './principals'
import {checkGrant, checkPrincipal, columnSelection, originalKey, resourceOf, RESOURCE_NAMES, tagReferencesOk, type Declarations, type GrantEntry} from './rules'
import {validateGrants} from './grants-validator.generated'
import {readYaml, type YamlFile} from './source-map'
import {schemaIssues} from './schema-issues'
import type {DesiredAssignment, DesiredFilter, DesiredGrant, DesiredTag, ParseResult, PolicySource, Scope} from './types'
import {compareText} from '../order'

/** Precompiled by `npm run schema` (ajv standalone): compiling the schema at start cost more than the rest of `grants validate`. */
const validateSchema = validateGrants

/** One policy file, read and checked against the schema. */
interface PolicyFile {
  file: YamlFile
  doc: Json
}

/**
 * Parses and validates policy files into one desired state. Every problem in every file is
 * reported, each with its file, line, column and field. Nothing here reads files or calls AWS.
 */
export function parsePolicies(sources: PolicySource[]): ParseResult {
  const collect = new Collector()
  const files = readPolicyFiles(sources, collect)
  const declared = declarationsOf(files, collect)
  const grants = grantsOf(files, declared, collect)
  const assignments = assignmentsOf(files, declared.tags, collect)
  const scope = scopeOf(files, grants, collect)
  if (collect.issues.length > 0) {
    const issues = collect.issues.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.message, b.message))
    return {ok: false, issues}
  }
  return {
    ok: true,
    state: {
      principals: Object.fromEntries([...declared.principals].map(([name, {id}]) => [name, id]).sort(([a], [b]) => compareText(a, b))),
      scope,
      grants: grants.sort((a, b) => compareText(grantKey(a), grantKey(b))),
      filters: [...declared.filters.values()].sort((a, b) => compareText(`${a.database}.${a.table}.${a.name}`, `${b.database}.${b.table}.${b.name}`)),
      tags: [...declared.tags.values()].sort((a, b) => compareText(a.key, b.key)),
      assignments,
    },
  }
}

/** Parse: each file's YAML (with positions) and its schema problems, in path order. */
function readPolicyFiles(sources: PolicySource[], collect: Collector): PolicyFile[] {
  const files: PolicyFile[] = []
  for (const source of [...sources].sort((a, b) => compareText(a.path, b.path))) {
    const read = readYaml(source)
    if (!read.ok) {
      collect.issues.push(...read.issues)
      continue
    }
    const value = read.value ?? {}
    if (!validateSchema(value)) collect.issues.push(...schemaIssues(read.file, validateSchema.errors ?? []))
    if (isObject(value)) files.push({file: read.file, doc: value})
  }
  return files
}

/** A filter's columns, canonical: the account lists them lowercase and sorted, so the file side must be too. */
function canonicalSelection(value: unknown): ColumnSelection | undefined {
  const selection = columnSelection(value)
  return selection && canonicalColumns(selection)
}

/** Declarations: principals, LF-tags and filters, across all files; duplicates are reported. */
function declarationsOf(files: PolicyFile[], collect: Collector): Declarations {
  const declared: Declarations = {principals: new Map(), tags: new Map(), filters: new Map()}
  for (const {file, doc} of files) {
    for (const [name, id] of Object.entries(isObject(doc.principals) ? doc.principals : {})) {
      const source = file.locate(['principals', name])
      if (typeof id !== 'string') continue
      if (!principalKind(id) || id === 'IAM_ALLOWED_PRINCIPALS') {
        collect.add(source, `"${id}" is not a valid principal`, 'use an IAM role or user ARN, a 12-digit account id, an organization or OU ARN, or a SAML or Identity Center group ARN')
        continue
      }
      collect.declare(declared.principals, name, {id, source}, `principal "${name}"`, (a, b) => a.id === b.id)
    }
    for (const [key, values] of Object.entries(isObject(doc.tags) ? doc.tags : {})) {
      const tag: DesiredTag = {key: key.toLowerCase(), values: [...new Set(asArray(values).map((v) => String(v).toLowerCase()))].sort(), source: file.locate(['tags', key])}
      collect.declare(declared.tags, tag.key, tag, `LF-tag "${key}"`, (a, b) => a.values.join() === b.values.join())
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
      collect.declare(declared.filters, name, filter, `data cells filter "${name}"`)
    }
  }
  return declared
}

/** Rules: each grant entry's principal, resource and grant rules; the grants that pass, normalised. */
function grantsOf(files: PolicyFile[], declared: Declarations, collect: Collector): DesiredGrant[] {
  const grants = new Map<string, DesiredGrant>()
  for (const {file, doc} of files) {
    asArray(doc.grants).forEach((entry, index) => {
      if (!isObject(entry)) return
      const grant: GrantEntry = {entry, file, path: ['grants', index]}
      const principal = checkPrincipal(grant, declared.principals, collect)
      const resource = resourceOf(grant, collect)
      if (!resource || !checkGrant({...grant, resource, declared, collect}) || !principal) return
      const permissions = asArray(entry.permissions).map(String) as Permission[]
      const grantable = asArray(entry.grantable).map(String) as Permission[]
      const desired: DesiredGrant = {...canonicalGrant({principal, resource, permissions, grantable}), source: file.locate(grant.path)}
      collect.declare(grants, grantKey(desired), desired, `a grant to ${String(entry.principal)} on ${RESOURCE_NAMES[desired.resource.type]}`)
    })
  }
  return [...grants.values()]
}

/** Rules: each `assign:` entry names declared tags and values. */
function assignmentsOf(files: PolicyFile[], tags: Declarations['tags'], collect: Collector): DesiredAssignment[] {
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
  return assignments
}

/**
 * The scope: what the files declare under scope:, merged across files. Each part of the scope that
 * no file declares is derived from the grants (the files manage exactly what they name). A grant
 * outside a declared part is an error, because --prune could never converge it.
 */
function scopeOf(files: PolicyFile[], grants: DesiredGrant[], collect: Collector): Scope {
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
