/**
 * The `lakegov table` settings: lake.yaml's `table:` section (checked by core/policy/lake-parse,
 * exit 3 at its line) with the flags as overrides for one run, checked before any AWS call (a bad
 * value is a usage error, exit 64, that names the flag and shows a valid example). A flag that
 * differs from lake.yaml is reported, since the next run without it goes back to the file.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'

/**
 * The commercial regions (the `aws` partition) that `--regions all` means, as listed in the AWS SDK
 * for JavaScript's partition table (@aws-sdk/core 3.981). A region that has no logs costs nothing
 * with projection: Athena lists an empty prefix. GovCloud and China are other partitions, whose logs
 * go to other buckets, so they are not in it.
 */
export const COMMERCIAL_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]

/** The table name when --name is not given. */
export const DEFAULT_TABLE_NAME = 'cloudtrail_logs'
/** The first projected day when --start is not given: AWS's example uses it too. */
export const DEFAULT_START_DATE = '2020/01/01'

/** The CloudTrail table activity reads: --table, else lake.yaml's table.name, else DEFAULT_TABLE_NAME. */
export function logTableOf(flag: string | undefined, lake: {table?: {name?: string}} | undefined): string {
  return flag ?? lake?.table?.name ?? DEFAULT_TABLE_NAME
}

/** The flags as typed, before checking. */
export interface TableFlags {
  /** --name. */
  name?: string
  /** --start, yyyy/MM/dd. */
  start?: string
  /** --regions: a comma list, or `all`. */
  regions?: string
  /** --accounts: a comma list of 12-digit ids. */
  accounts?: string
  /** --organization-id. */
  organizationId?: string
}

/** The flags, checked; accounts stay undefined when the caller's account is meant. */
export interface TableSelection {
  /** The table name. */
  name: string
  /** The first projected day, yyyy/MM/dd. */
  startDate: string
  /** The regions, sorted and without duplicates. */
  regions: string[]
  /** The accounts, sorted and without duplicates; undefined for the caller's own. */
  accounts?: string[]
  /** The organization id, for organization trails. */
  organizationId?: string
}

function usage(message: string, suggestion: string): LakegovError {
  return new LakegovError(message, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: [suggestion]})
}

function list(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ].sort()
}

/** Whether yyyy/MM/dd names a real day (2021/02/30 does not). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = match.slice(1).map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Today as yyyy/MM/dd, in UTC (CloudTrail's key dates are UTC). */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '/')
}

/** The regions outside the SDK's list (the lake's own region is always accepted). */
export function unknownRegions(regions: string[], lakeRegion: string): string[] {
  return regions.filter((region) => region !== lakeRegion && !COMMERCIAL_REGIONS.includes(region))
}

/** lake.yaml's `table:` section, checked; a field left out takes its default. */
export interface TableConfig {
  /** The table name. */
  name?: string
  /** The first projected day, yyyy/MM/dd. */
  startDate?: string
  /** The regions, sorted and without duplicates (`all` already expanded). */
  regions?: string[]
  /** The accounts, sorted and without duplicates. */
  accounts?: string[]
  /** The organization id, for organization trails. */
  organizationId?: string
}

/** What lake.yaml (or, where it says nothing, the defaults) asks for. */
export function tableSelectionOf(table: TableConfig | undefined, lakeRegion: string): TableSelection {
  return {
    name: table?.name ?? DEFAULT_TABLE_NAME,
    startDate: table?.startDate ?? DEFAULT_START_DATE,
    regions: table?.regions ?? [lakeRegion],
    ...(table?.accounts ? {accounts: table.accounts} : {}),
    ...(table?.organizationId ? {organizationId: table.organizationId} : {}),
  }
}

/** A flag that differs from lake.yaml's setting for this run only. */
export interface TableOverride {
  /** The lake.yaml field, for example `table.regions`. */
  field: string
  /** The flag, for example `--regions`. */
  flag: string
  /** The value lake.yaml gives (or its default), as shown. */
  file: string
  /** The value this run uses, as shown. */
  run: string
}

const OVERRIDABLE = [
  {key: 'name', flag: '--name', field: 'table.name'},
  {key: 'startDate', flag: '--start', field: 'table.start'},
  {key: 'regions', flag: '--regions', field: 'table.regions'},
  {key: 'accounts', flag: '--accounts', field: 'table.accounts'},
  {key: 'organizationId', flag: '--organization-id', field: 'table.organizationId'},
] as const

function shown(value: string | string[] | undefined, key: string): string {
  if (value === undefined) return key === 'accounts' ? "the caller's account" : 'none'
  return Array.isArray(value) ? value.join(',') : value
}

/**
 * The table settings for this run: lake.yaml's `table:` section, each flag given overriding its
 * field for this run only, and the list of flags that differ from the file. Throws a usage error
 * (exit 64) for a bad flag.
 */
export function resolveTableOptions(flags: TableFlags, lake: {region: string; table?: TableConfig}, today: string): {selection: TableSelection; overrides: TableOverride[]} {
  const file = tableSelectionOf(lake.table, lake.region)
  const selection = resolveTableFlags(flags, lake.region, today, file)
  const overrides = OVERRIDABLE.flatMap(({key, flag, field}) => {
    const before = shown(file[key], key)
    const after = shown(selection[key], key)
    return before === after ? [] : [{field, flag, file: before, run: after}]
  })
  return {selection, overrides}
}

/**
 * Checks the flags and fills the rest from `base` (lake.yaml's settings; the defaults when not
 * given); `lakeRegion` is the lake's region, `today` (yyyy/MM/dd, UTC) the last day --start may
 * name. Throws a usage error (exit 64).
 */
export function resolveTableFlags(flags: TableFlags, lakeRegion: string, today: string, base: TableSelection = tableSelectionOf(undefined, lakeRegion)): TableSelection {
  const name = flags.name === undefined ? base.name : checkName(flags.name)
  const startDate = flags.start === undefined ? base.startDate : checkStart(flags.start, today)
  const regions = flags.regions === undefined ? base.regions : checkRegions(flags.regions, lakeRegion)
  const accounts = flags.accounts === undefined ? base.accounts : checkAccounts(flags.accounts)
  const organizationId = flags.organizationId === undefined ? base.organizationId : checkOrganization(flags.organizationId)
  return {name, startDate, regions, ...(accounts ? {accounts} : {}), ...(organizationId ? {organizationId} : {})}
}

function checkName(name: string): string {
  // Athena reads only lowercase names of letters, digits and underscores; Glue would take more and Athena would then fail.
  if (!/^[a-z0-9_]{1,255}$/.test(name)) {
    throw usage(`--name ${name} is not a valid Athena table name: use lowercase letters, digits and underscores.`, `For example --name ${name.toLowerCase().replace(/[^a-z0-9_]+/g, '_') || DEFAULT_TABLE_NAME}.`)
  }
  return name
}

function checkStart(startDate: string, today: string): string {
  if (!isCalendarDate(startDate)) throw usage(`--start ${startDate} is not a date in the form yyyy/MM/dd.`, `For example --start ${DEFAULT_START_DATE}.`)
  // The projection runs from --start to NOW: a start after today is an empty range, and the table would read nothing.
  if (startDate > today) throw usage(`--start ${startDate} is in the future (today is ${today}, UTC): the table would read no logs.`, `Use a day up to today, for example --start ${DEFAULT_START_DATE}.`)
  return startDate
}

function checkRegions(value: string, lakeRegion: string): string[] {
  const regions = value.trim() === 'all' ? [...COMMERCIAL_REGIONS] : list(value)
  // A region outside the SDK's list would repoint the table at a prefix no trail writes to.
  const bad = unknownRegions(regions, lakeRegion)
  if (regions.length === 0 || bad.length > 0) {
    throw usage(
      `--regions ${value}: ${bad.length > 0 ? `${bad.join(', ')} ${bad.length === 1 ? 'is not an AWS region' : 'are not AWS regions'}` : 'no region given'}.`,
      `Use regions of the lake's partition, for example --regions us-east-1,eu-west-1, or --regions all for these ${COMMERCIAL_REGIONS.length}: ${COMMERCIAL_REGIONS.join(', ')}.`,
    )
  }
  return regions
}

function checkAccounts(value: string): string[] {
  const accounts = list(value)
  const bad = accounts.filter((account) => !/^\d{12}$/.test(account))
  if (accounts.length === 0 || bad.length > 0) {
    throw usage(`--accounts ${value}: ${bad.length > 0 ? `${bad.join(', ')} is not a 12-digit account id` : 'no account given'}.`, 'For example --accounts 111122223333,444455556666.')
  }
  return accounts
}

function checkOrganization(organizationId: string): string {
  if (!/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    throw usage(`--organization-id ${organizationId} is not an organization id (o- and 10 to 32 lowercase letters or digits).`, 'Find it with `aws organizations describe-organization --query Organization.Id`.')
  }
  return organizationId
}
