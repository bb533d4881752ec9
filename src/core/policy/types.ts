import type {ColumnSelection, Grant} from '../model/grant'
import type {SourceRef} from './source-map'

/** A policy file's name and text, as read from disk. */
export interface PolicySource {
  /** The path shown in messages. */
  path: string
  /** The YAML text. */
  text: string
}

/** One problem in the policy files. */
export interface PolicyIssue extends SourceRef {
  /** What is wrong. */
  message: string
  /** How to fix it, when there is more to say than the message. */
  hint?: string
}

/** A grant the files declare, with where it was declared. */
export interface DesiredGrant extends Grant {
  /** Where the grant is declared. */
  source: SourceRef
}

/** A data cells filter the files declare. */
export interface DesiredFilter {
  /** The filter's name, unique per table. */
  name: string
  /** Its database, lowercase. */
  database: string
  /** Its table, lowercase. */
  table: string
  /** The row filter expression; undefined means every row. */
  rows?: string
  /** The columns it exposes; undefined means every column. */
  columns?: ColumnSelection
  /** Where it is declared. */
  source: SourceRef
}

/** An LF-tag and its allowed values. */
export interface DesiredTag {
  /** The tag key, lowercase. */
  key: string
  /** The values, lowercase and sorted. */
  values: string[]
  /** Where it is declared. */
  source: SourceRef
}

/** An LF-tag attached to a database, table or columns. */
export interface DesiredAssignment {
  /** The database, lowercase. */
  database: string
  /** The table, lowercase; undefined for the database itself. */
  table?: string
  /** The columns, lowercase; undefined for the whole table. */
  columns?: string[]
  /** Tag key -> value, lowercase. */
  tags: Record<string, string>
  /** Where it is declared. */
  source: SourceRef
}

/** What --prune may touch. Everything else is left alone, whatever the files say. */
export interface Scope {
  /** Databases whose grants are managed, lowercase. */
  databases: string[]
  /** S3 location ARNs whose DATA_LOCATION_ACCESS grants are managed. */
  locations: string[]
  /** Whether catalog grants are managed. */
  catalog: boolean
  /** Whether LF-tag and LF-tag expression grants are managed. */
  tags: boolean
}

/** Everything the policy files declare, merged across files and in canonical form. */
export interface DesiredState {
  /** Principal name -> identifier. */
  principals: Record<string, string>
  /** What lakegov manages. */
  scope: Scope
  /** The grants, sorted by grant key. */
  grants: DesiredGrant[]
  /** The data cells filters, sorted by database, table and name. */
  filters: DesiredFilter[]
  /** The LF-tags, sorted by key. */
  tags: DesiredTag[]
  /** The LF-tag assignments. */
  assignments: DesiredAssignment[]
}

/** The parser's answer: a desired state, or every problem found. */
export type ParseResult = {ok: true; state: DesiredState} | {ok: false; issues: PolicyIssue[]}
