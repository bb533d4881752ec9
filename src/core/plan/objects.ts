import {canonicalColumns, type ColumnSelection} from '../model/grant'
import type {DesiredState} from '../policy/types'
import {compareText} from '../order'

/** An LF-tag as the account holds it. */
export interface TagState {
  /** The key, lowercase. */
  key: string
  /** The values, lowercase and sorted. */
  values: string[]
}

/** A data cells filter as the account holds it, canonical. */
export interface FilterState {
  /** The filter's name. */
  name: string
  /** Its database, lowercase. */
  database: string
  /** Its table, lowercase. */
  table: string
  /** The row filter; undefined for every row. */
  rows?: string
  /** The columns; undefined for every column. */
  columns?: ColumnSelection
}

/** Where LF-tags are attached: a database, a table, or columns of a table. */
export interface TagTarget {
  /** The database, lowercase. */
  database: string
  /** The table, lowercase; undefined for the database. */
  table?: string
  /** Columns, lowercase and sorted; undefined for the whole table. */
  columns?: string[]
}

/** The LF-tag values assigned directly to one target (for columns: to every one of them). */
export interface AssignmentState {
  /** The target. */
  target: TagTarget
  /** Key -> value; for columns, only keys every listed column carries with that value. */
  tags: Record<string, string>
}

/** The catalog objects grants depend on, as read from the account. */
export interface ObjectsState {
  /** Every LF-tag. */
  tags: TagState[]
  /** Every data cells filter on a table in scope. */
  filters: FilterState[]
  /** The direct assignments of the targets the files assign to. */
  assignments: AssignmentState[]
}

/** One change to a catalog object. Apply makes these before any grant, since grants name them. */
export type ObjectChange =
  | {kind: 'tag'; action: 'create'; key: string; values: string[]}
  | {kind: 'tag'; action: 'add-values'; key: string; values: string[]}
  | {kind: 'filter'; action: 'create'; filter: FilterState}
  | {kind: 'filter'; action: 'update'; filter: FilterState; before: FilterState; differs: Array<'rows' | 'columns'>}
  | {kind: 'assignment'; action: 'assign'; target: TagTarget; tags: Record<string, string>}

/** A stable label for an object change, for plans and outcomes. */
export function objectKey(change: ObjectChange): string {
  switch (change.kind) {
    case 'tag': {
      return `lftag:${change.key}`
    }
    case 'filter': {
      return `filter:${change.filter.database}.${change.filter.table}.${change.filter.name}`
    }
    case 'assignment': {
      return `assign:${targetKey(change.target)}`
    }
  }
}

export function targetKey(target: TagTarget): string {
  return [target.database, target.table, target.columns ? `[${target.columns.join(',')}]` : undefined].filter(Boolean).join('.')
}

/** Two column selections compare equal in canonical form: same names in any order or case; "exclude nothing" is "all". */
function sameColumns(a: ColumnSelection | undefined, b: ColumnSelection | undefined): boolean {
  const normal = (selection: ColumnSelection | undefined) =>
    selection === undefined || ('exclude' in selection && selection.exclude.length === 0) ? 'all' : JSON.stringify(canonicalColumns(selection))
  return normal(a) === normal(b)
}

/**
 * What to create or update so that the LF-tags, data cells filters and tag assignments the files
 * declare exist as declared. Nothing is deleted: undeclared tags, values and filters are left in
 * place, because grants outside lakegov's files may depend on them.
 */
export function diffObjects(desired: Pick<DesiredState, 'tags' | 'filters' | 'assignments'>, current: ObjectsState): ObjectChange[] {
  const changes: ObjectChange[] = []
  const tags = new Map(current.tags.map((tag) => [tag.key, tag]))
  for (const tag of desired.tags) {
    const existing = tags.get(tag.key)
    if (!existing) {
      changes.push({kind: 'tag', action: 'create', key: tag.key, values: tag.values})
      continue
    }
    const missing = tag.values.filter((value) => !existing.values.includes(value))
    if (missing.length > 0) changes.push({kind: 'tag', action: 'add-values', key: tag.key, values: missing})
  }

  const filters = new Map(current.filters.map((filter) => [`${filter.database}.${filter.table}.${filter.name}`, filter]))
  for (const {source: _source, ...filter} of desired.filters) {
    const existing = filters.get(`${filter.database}.${filter.table}.${filter.name}`)
    if (!existing) {
      changes.push({kind: 'filter', action: 'create', filter})
      continue
    }
    const differs: Array<'rows' | 'columns'> = []
    if (existing.rows !== filter.rows) differs.push('rows')
    if (!sameColumns(existing.columns, filter.columns)) differs.push('columns')
    if (differs.length > 0) changes.push({kind: 'filter', action: 'update', filter, before: existing, differs})
  }

  const assigned = new Map(current.assignments.map((assignment) => [targetKey(assignment.target), assignment.tags]))
  for (const assignment of desired.assignments) {
    const target: TagTarget = {database: assignment.database, table: assignment.table, columns: assignment.columns}
    const have = assigned.get(targetKey(target)) ?? {}
    const missing = Object.fromEntries(Object.entries(assignment.tags).filter(([key, value]) => have[key] !== value))
    if (Object.keys(missing).length > 0) changes.push({kind: 'assignment', action: 'assign', target, tags: missing})
  }
  // Tags first: assignments need them. Filters next; then assignments.
  const order = {tag: 0, filter: 1, assignment: 2}
  return changes.sort((a, b) => order[a.kind] - order[b.kind] || compareText(objectKey(a), objectKey(b)))
}

/** The targets whose assignments plan must read: those the files assign to. */
export function assignmentTargets(desired: Pick<DesiredState, 'assignments'>): TagTarget[] {
  return desired.assignments.map((assignment) => ({database: assignment.database, table: assignment.table, columns: assignment.columns}))
}
