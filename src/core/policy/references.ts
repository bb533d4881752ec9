import type {Resource} from '../model/grant'
import {compareText} from '../order'
import type {SourceRef} from './source-map'
import {hintFor} from './suggest'
import type {DesiredState, PolicyIssue} from './types'

/** A Glue table as the reference check needs it. */
export interface CatalogTable {
  /** The table's name, lowercase. */
  name: string
  /** Its columns, partition keys included, lowercase. */
  columns: string[]
}

/** What the Glue catalog holds, as far as the files name it. */
export interface CatalogSnapshot {
  /** Every database in the catalog, lowercase (for "did you mean"). */
  databases: string[]
  /** The tables of each database the files name that exists, by database. */
  tables: Record<string, CatalogTable[]>
}

/** One reference to a catalog object: where it is written, and what it names. */
interface Reference {
  source: SourceRef
  database: string
  table?: string
  columns?: string[]
}

function referencesOf(state: DesiredState): Reference[] {
  const references: Reference[] = []
  const grant = (resource: Resource, source: SourceRef) => {
    switch (resource.type) {
      case 'database':
      case 'tableWildcard': {
        references.push({source, database: resource.database})
        return
      }
      case 'table':
      case 'dataCellsFilter': {
        references.push({source, database: resource.database, table: resource.table})
        return
      }
      case 'columns': {
        const columns = 'include' in resource.columns ? resource.columns.include : resource.columns.exclude
        references.push({source, database: resource.database, table: resource.table, columns})
        return
      }
      default:
    }
  }
  for (const desired of state.grants) grant(desired.resource, desired.source)
  for (const filter of state.filters) {
    const columns = filter.columns ? ('include' in filter.columns ? filter.columns.include : filter.columns.exclude) : undefined
    references.push({source: filter.source, database: filter.database, table: filter.table, columns})
  }
  for (const assignment of state.assignments) references.push({source: assignment.source, database: assignment.database, table: assignment.table, columns: assignment.columns})
  return references
}

/** The databases whose tables the check needs: those the files name. */
export function referencedDatabases(state: DesiredState): string[] {
  return [...new Set(referencesOf(state).map((reference) => reference.database))].sort(compareText)
}

/**
 * Checks every database, table and column the grants, data cells filters and LF-tag assignments
 * name against the Glue catalog. Lake Formation refuses grants on objects that do not exist
 * (EntityNotFoundException, or a Failures[] entry in a batch), so plan reports each missing one
 * at its file and line, with "did you mean", before anything is planned or applied. Pure.
 */
export function checkCatalogReferences(state: DesiredState, catalog: CatalogSnapshot): PolicyIssue[] {
  const issues: PolicyIssue[] = []
  const seen = new Set<string>()
  const report = (source: SourceRef, field: string, message: string, hint: string) => {
    const key = `${source.file}:${source.line}:${message}`
    if (seen.has(key)) return
    seen.add(key)
    issues.push({...source, field: `${source.field}.${field}`, message, hint})
  }
  for (const reference of referencesOf(state)) {
    const {source, database, table, columns} = reference
    const tables = catalog.tables[database]
    if (!catalog.databases.includes(database) || !tables) {
      report(source, 'database', `database "${database}" does not exist in the Glue catalog`, hintFor(database, catalog.databases, 'databases'))
      continue
    }
    if (table === undefined) continue
    const found = tables.find((candidate) => candidate.name === table)
    if (!found) {
      report(source, 'table', `table "${database}.${table}" does not exist in the Glue catalog`, hintFor(table, tables.map((candidate) => candidate.name), `tables in ${database}`))
      continue
    }
    for (const column of columns ?? []) {
      if (found.columns.includes(column)) continue
      report(source, 'columns', `column "${column}" does not exist in table ${database}.${table}`, hintFor(column, found.columns, `columns of ${database}.${table}`))
    }
  }
  return issues.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || compareText(a.message, b.message))
}
