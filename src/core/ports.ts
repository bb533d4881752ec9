import type {ListedGrant, Permission, Resource} from './model/grant'
import type {CallerIdentity, DataLakeSettings, RegisteredLocation} from './model/lake'
import type {ObjectChange, ObjectsState, TagTarget} from './plan/objects'
import type {CatalogSnapshot} from './policy/references'

/** Reads who the caller is. */
export interface IdentityReader {
  getCallerIdentity(): Promise<CallerIdentity>
}

/** Reads the Lake Formation data lake settings. */
export interface SettingsReader {
  getDataLakeSettings(): Promise<DataLakeSettings>
}

/** Lists the S3 locations registered with Lake Formation, all pages. */
export interface LocationReader {
  listRegisteredLocations(): Promise<RegisteredLocation[]>
}

/** Reads every grant in the account that the caller may see, canonical, with what was listed. */
export interface GrantReader {
  listGrants(): Promise<ListedGrant[]>
}

/** One entry of a batch grant or revoke call. */
export interface GrantEntry {
  /** Unique within the call; failures name it. */
  id: string
  /** The principal's identifier. */
  principal: string
  /** The canonical resource. */
  resource: Resource
  /** Permissions granted or revoked. */
  permissions: Permission[]
  /** Permissions whose grant option is granted or revoked. */
  grantable: Permission[]
}

/** An entry Lake Formation did not apply, from the batch call's Failures[]. */
export interface EntryFailure {
  /** The entry's id. */
  id: string
  /** The AWS error code, for example ConcurrentModificationException. */
  code: string
  /** The AWS error message. */
  message: string
}

/** Writes grants in batches. A batch call that fails as a whole throws; per-entry failures are returned. */
export interface GrantWriter {
  batchGrant(entries: GrantEntry[]): Promise<EntryFailure[]>
  batchRevoke(entries: GrantEntry[]): Promise<EntryFailure[]>
}

/** Reads the LF-tags, the data cells filters of some databases, and the tags on some targets. */
export interface ObjectReader {
  readObjects(databases: string[], targets: TagTarget[]): Promise<ObjectsState>
}

/** Makes one catalog object change (create an LF-tag, update a filter, assign tags...). */
export interface ObjectWriter {
  applyObjectChange(change: ObjectChange): Promise<void>
}

/** Reads the Glue catalog: every database's name, and the tables (with columns) of the given ones. */
export interface CatalogReader {
  readCatalog(databases: string[]): Promise<CatalogSnapshot>
}
