import type {CallerIdentity, DataLakeSettings, RegisteredLocation} from './model/lake'

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
