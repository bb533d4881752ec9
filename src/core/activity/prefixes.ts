/**
 * Window-to-prefix planning: which S3 prefixes hold a window's CloudTrail files. CloudTrail writes
 * `[prefix/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/...json.gz` (CloudTrail user guide,
 * "Finding your CloudTrail log files"), one folder per UTC day of delivery. A window is read from
 * its days' folders. A file is delivered about 5 minutes after its events, so the last minutes of a
 * day can sit in the next day's folder: when the window ends within DELIVERY_LAG_MS of midnight, the
 * next day's folder is read too (bounded by now), and eventTime trims to the window. The Athena SQL
 * constrains its `timestamp` partition to the same days (deliveryDaysList), so every engine answers alike.
 */
import {logRootOf} from '../catalog/cloudtrail-table'
import {compareText} from '../order'
import {deliveryDaysList, type TimeWindow} from './query'

/** A trail's folder for one account and region: `AWSLogs/[o-.../]ACCOUNT/CloudTrail/REGION/`. */
export interface TrailFolder {
  /** The account. */
  account: string
  /** The region. */
  region: string
  /** The organization id for an organization trail's layout, else undefined. */
  organizationId?: string
}

/** One day's prefix to list. */
export interface DayPrefix {
  /** The account. */
  account: string
  /** The region. */
  region: string
  /** The day, yyyy/MM/dd. */
  day: string
  /** The S3 prefix, ending in `/`. */
  prefix: string
}

/** Where the accounts (or organization ids) sit: lake.yaml's prefix with `AWSLogs/`. */
export function accountsRootOf(lakePrefix: string): string {
  return logRootOf(lakePrefix)
}

/** The folder that holds one account's regions. */
export function regionsRootOf(lakePrefix: string, account: string, organizationId?: string): string {
  return `${accountsRootOf(lakePrefix)}${organizationId ? `${organizationId}/` : ''}${account}/CloudTrail/`
}

/** The day prefixes of the window (and of deliveries up to `deliveredBy`) for each folder, sorted by account, region, then day. */
export function planDayPrefixes(lakePrefix: string, folders: readonly TrailFolder[], window: TimeWindow, deliveredBy?: string): DayPrefix[] {
  const days = deliveryDaysList({window, ...(deliveredBy === undefined ? {} : {deliveredBy})})
  const sorted = [...folders].sort((a, b) => compareText(`${a.organizationId ?? ''}/${a.account}/${a.region}`, `${b.organizationId ?? ''}/${b.account}/${b.region}`))
  return sorted.flatMap((folder) =>
    days.map((day) => ({account: folder.account, region: folder.region, day, prefix: `${regionsRootOf(lakePrefix, folder.account, folder.organizationId)}${folder.region}/${day}/`})),
  )
}

/** Whether a name under AWSLogs/ is an organization id (organization trails put it before the account). */
export function isOrganizationId(name: string): boolean {
  return /^o-[a-z0-9]{10,32}$/.test(name)
}

/** Whether a name under AWSLogs/ is an account id. */
export function isAccountId(name: string): boolean {
  return /^\d{12}$/.test(name)
}

/** Whether an object key is a CloudTrail log file (not a digest, not an Insights file, not a folder marker). */
export function isLogFileKey(key: string): boolean {
  return /\/CloudTrail\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.json\.gz$/.test(key)
}
