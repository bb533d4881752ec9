/**
 * Lists the log objects of a window: the accounts (and organization ids) under AWSLogs/, their
 * regions, then the window's delivery-day prefixes (core/activity/prefixes.ts). The local engine downloads what this finds, and
 * auto and athena's --max-scan weigh it.
 */
import {mapLimited} from '../core/map-limited'
import {accountsRootOf, isAccountId, isLogFileKey, isOrganizationId, planDayPrefixes, regionsRootOf, type TrailFolder} from '../core/activity/prefixes'
import type {ActivityQuery} from '../core/activity/query'
import type {ProgressSink} from './types'

/** An object of a listing. */
export interface WindowObject {
  /** The key. */
  key: string
  /** Bytes. */
  size: number
  /** The ETag. */
  etag: string
}

/** The S3 reads a listing needs. */
export interface ListingPorts {
  /** The folder names right under a prefix. */
  listFolders(bucket: string, prefix: string): Promise<string[]>
  /** Every object under a prefix. */
  listObjects(bucket: string, prefix: string): Promise<WindowObject[]>
}

/** The window's log objects. */
export interface WindowObjects {
  /** The regions whose folders were read, sorted. */
  regions: string[]
  /** The accounts, sorted. */
  accounts: string[]
  /** The log files, sorted by key. */
  objects: WindowObject[]
  /** Their total size. */
  bytes: number
  /** How many day prefixes were listed. */
  prefixes: number
}

const LIST_CONCURRENCY = 16

/** Finds the trail folders (account and region, with the organization id of an organization trail). */
export async function discoverFolders(ports: ListingPorts, bucket: string, lakePrefix: string, regions: string[] | 'all'): Promise<TrailFolder[]> {
  const root = accountsRootOf(lakePrefix)
  const top = await ports.listFolders(bucket, root)
  const owners: {account: string; organizationId?: string}[] = top.filter(isAccountId).map((account) => ({account}))
  for (const organizationId of top.filter(isOrganizationId)) {
    const accounts = await ports.listFolders(bucket, `${root}${organizationId}/`)
    owners.push(...accounts.filter(isAccountId).map((account) => ({account, organizationId})))
  }
  const folders = await mapLimited(owners, LIST_CONCURRENCY, async (owner) => {
    const found = await ports.listFolders(bucket, regionsRootOf(lakePrefix, owner.account, owner.organizationId))
    return found.filter((region) => regions === 'all' || regions.includes(region)).map((region) => ({...owner, region}))
  })
  return folders.flat()
}

/** Lists the window's log objects. */
export async function listWindowObjects(ports: ListingPorts, lake: {bucket: string; prefix: string}, query: ActivityQuery, progress: ProgressSink): Promise<WindowObjects> {
  const folders = await discoverFolders(ports, lake.bucket, lake.prefix, query.filters.regions)
  const prefixes = planDayPrefixes(lake.prefix, folders, query.window, query.deliveredBy)
  progress(`local: listing ${prefixes.length} day prefix(es) in s3://${lake.bucket}/${accountsRootOf(lake.prefix)}`)
  const listed = await mapLimited(prefixes, LIST_CONCURRENCY, (day) => ports.listObjects(lake.bucket, day.prefix))
  const objects = listed.flat().filter((object) => isLogFileKey(object.key)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return {
    regions: [...new Set(folders.map((folder) => folder.region))].sort(),
    accounts: [...new Set(folders.map((folder) => folder.account))].sort(),
    objects,
    bytes: objects.reduce((sum, object) => sum + object.size, 0),
    prefixes: prefixes.length,
  }
}
