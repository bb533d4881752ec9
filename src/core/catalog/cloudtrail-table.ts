/**
 * The CloudTrail table AWS documents for Athena ("Create the table for CloudTrail logs in Athena
 * using partition projection"), as a Glue TableInput, and the comparison of an existing table with
 * it. Pure: the shapes mirror Glue's so that src/aws passes them through, but no SDK value is used.
 */

/** A Glue column. */
export interface GlueColumn {
  /** The column name, lowercase as Athena wants it. */
  Name: string
  /** The Hive type, lowercase and without spaces, as Glue stores types Athena DDL wrote. */
  Type: string
}

/** The storage descriptor lakegov sets. */
export interface CloudTrailStorageDescriptor {
  /** The columns, in the documented order. */
  Columns: GlueColumn[]
  /** The s3:// location: the deepest prefix every projected partition shares. */
  Location: string
  /** CloudTrail's input format, which reads the Records array of each log file. */
  InputFormat: string
  /** The output format Hive tables of text files use. */
  OutputFormat: string
  /** The SerDe. */
  SerdeInfo: {
    /** The SerDe class. */
    SerializationLibrary: string
    /** SerDe parameters: lakegov sets none, and keeps those an existing table has. */
    Parameters?: Record<string, string>
  }
  /** Storage parameters: lakegov sets none, and keeps those an existing table has. */
  Parameters?: Record<string, string>
}

/** A Glue TableInput for the CloudTrail table. */
export interface CloudTrailTableInput {
  /** The table name. */
  Name: string
  /** Shown in the Glue console; not compared. */
  Description: string
  /** Always EXTERNAL_TABLE: dropping the table never deletes the logs. */
  TableType: 'EXTERNAL_TABLE'
  /** The projected partition keys: account, region (each when there are several), then timestamp. */
  PartitionKeys: GlueColumn[]
  /** Columns, location, formats and SerDe. */
  StorageDescriptor: CloudTrailStorageDescriptor
  /** Table properties: classification, EXTERNAL, partition projection and the location template. */
  Parameters: Record<string, string>
  /** The owner: set only when an existing table has one, which an update keeps. */
  Owner?: string
  /** The retention: set only when an existing table has one, which an update keeps. */
  Retention?: number
}

/**
 * A table as Glue GetTable returns it, reduced to plain data. Every field is optional because Glue
 * returns whatever the table's creator set, and a table made elsewhere may lack any of them.
 */
export interface ExistingTable {
  /** The table name. */
  Name: string
  /** The description. */
  Description?: string
  /** The owner, kept on update. */
  Owner?: string
  /** The retention, kept on update. */
  Retention?: number
  /** EXTERNAL_TABLE, VIRTUAL_VIEW... */
  TableType?: string
  /** The partition keys. */
  PartitionKeys?: {Name: string; Type?: string}[]
  /** The storage descriptor. */
  StorageDescriptor?: {
    /** The columns. */
    Columns?: {Name: string; Type?: string}[]
    /** The location. */
    Location?: string
    /** The input format. */
    InputFormat?: string
    /** The output format. */
    OutputFormat?: string
    /** The SerDe, with any parameters its creator set (kept on update). */
    SerdeInfo?: {SerializationLibrary?: string; Parameters?: Record<string, string>}
    /** Storage parameters, kept on update. */
    Parameters?: Record<string, string>
  }
  /** Table properties. */
  Parameters?: Record<string, string>
}

/** Where the table reads from, and how far back. */
export interface CloudTrailTableOptions {
  /** The Glue database. */
  database: string
  /** The table name. */
  name: string
  /** The log bucket. */
  bucket: string
  /** lake.yaml's log prefix ("AWSLogs/", "logs/AWSLogs/"); "" means the bucket root. */
  prefix: string
  /** 12-digit account ids whose logs the table reads; at least one. */
  accounts: string[]
  /** Regions whose logs the table reads; at least one. */
  regions: string[]
  /** For an organization trail, the organization id (o-...), which CloudTrail puts before the account. */
  organizationId?: string
  /** The first day of the projected range, yyyy/MM/dd. */
  startDate: string
}

/** The documented SerDe: the Hive JSON SerDe, which maps fields to columns by name. */
export const CLOUDTRAIL_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe'
/** The documented input format: it splits each log file's Records array into rows. */
export const CLOUDTRAIL_INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
/** The documented output format (Athena never writes to the table, but Glue wants one). */
export const CLOUDTRAIL_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'

const STRING = 'string'

function struct(fields: ReadonlyArray<readonly [string, string]>): string {
  return `struct<${fields.map(([name, type]) => `${name}:${type}`).join(',')}>`
}

const strings = (...names: string[]) => names.map((name) => [name, STRING] as const)

/**
 * The top-level fields of a CloudTrail record, with their types, in the order of the AWS page.
 * requestparameters, responseelements, additionaleventdata and serviceeventdetails stay strings
 * because their shape depends on the service; Athena's json_extract reads them. One addition to the
 * page: useridentity.sessioncontext.sourceidentity, which CloudTrail writes for sessions with a
 * source identity and which the page leaves out; adding a struct field breaks no documented query.
 */
export const CLOUDTRAIL_COLUMNS: readonly GlueColumn[] = [
  ['eventversion', STRING],
  [
    'useridentity',
    struct([
      ...strings('type', 'principalid', 'arn', 'accountid', 'invokedby', 'accesskeyid', 'username'),
      ['onbehalfof', struct(strings('userid', 'identitystorearn'))],
      [
        'sessioncontext',
        struct([
          ['attributes', struct(strings('mfaauthenticated', 'creationdate'))],
          ['sessionissuer', struct(strings('type', 'principalid', 'arn', 'accountid', 'username'))],
          ['ec2roledelivery', STRING],
          ['webidfederationdata', struct([['federatedprovider', STRING], ['attributes', 'map<string,string>']])],
          ['sourceidentity', STRING],
        ]),
      ],
    ]),
  ],
  ...strings('eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent', 'errorcode', 'errormessage'),
  ...strings('requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid', 'readonly'),
  ['resources', `array<${struct(strings('arn', 'accountid', 'type'))}>`],
  ...strings('eventtype', 'apiversion', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid', 'vpcendpointid', 'vpcendpointaccountid', 'eventcategory'),
  ['addendum', struct(strings('reason', 'updatedfields', 'originalrequestid', 'originaleventid'))],
  ...strings('sessioncredentialfromconsole', 'edgedevicedetails'),
  ['tlsdetails', struct(strings('tlsversion', 'ciphersuite', 'clientprovidedhostheader'))],
].map(([name, type]) => ({Name: name, Type: type}))

/**
 * Where CloudTrail's AWSLogs/ folder is, for a lake.yaml prefix. CloudTrail always writes under
 * `[S3KeyPrefix/]AWSLogs/`, so a prefix that already ends in AWSLogs/ is the folder itself, and any
 * other prefix (the bucket root included) has AWSLogs/ under it.
 */
export function logRootOf(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '')
  if (/(^|\/)AWSLogs\/?$/.test(trimmed)) return trimmed.replace(/\/?$/, '/')
  return `${trimmed === '' ? '' : trimmed.replace(/\/?$/, '/')}AWSLogs/`
}

/** The table properties lakegov owns: anything else on an existing table is someone else's and kept. */
export function isManagedParameter(key: string): boolean {
  return key === 'classification' || key === 'EXTERNAL' || key === 'storage.location.template' || key.startsWith('projection.')
}

/**
 * The CloudTrail table for these options. One account and one region read
 * `.../ACCOUNT/CloudTrail/REGION` with a `timestamp` partition, as AWS's example does. Several
 * regions add a `region` partition, several accounts an `account` partition, each projected as an
 * enum of the values given, and the location moves up to the folder they share.
 */
export function buildCloudTrailTable(options: CloudTrailTableOptions): CloudTrailTableInput {
  const accounts = [...new Set(options.accounts)].sort()
  const regions = [...new Set(options.regions)].sort()
  const base = `s3://${options.bucket}/${logRootOf(options.prefix)}${options.organizationId ? `${options.organizationId}/` : ''}`
  const accountPart = accounts.length > 1 ? '${account}' : accounts[0]
  const regionPart = regions.length > 1 ? '${region}' : regions[0]
  const template = `${base}${accountPart}/CloudTrail/${regionPart}/\${timestamp}`
  // The location is the template up to its first projected part: a prefix of every partition's path.
  const location = template.slice(0, template.indexOf('${')).replace(/\/$/, '')

  const partitionKeys: GlueColumn[] = []
  const projection: Record<string, string> = {}
  for (const [key, values] of [['account', accounts], ['region', regions]] as const) {
    if (values.length < 2) continue
    partitionKeys.push({Name: key, Type: STRING})
    projection[`projection.${key}.type`] = 'enum'
    projection[`projection.${key}.values`] = values.join(',')
  }
  partitionKeys.push({Name: 'timestamp', Type: STRING})

  return {
    Name: options.name,
    Description: 'CloudTrail logs, with partition projection (managed by lakegov)',
    TableType: 'EXTERNAL_TABLE',
    PartitionKeys: partitionKeys,
    StorageDescriptor: {
      Columns: CLOUDTRAIL_COLUMNS.map((column) => ({...column})),
      Location: location,
      InputFormat: CLOUDTRAIL_INPUT_FORMAT,
      OutputFormat: CLOUDTRAIL_OUTPUT_FORMAT,
      SerdeInfo: {SerializationLibrary: CLOUDTRAIL_SERDE},
    },
    Parameters: sortedRecord({
      classification: 'cloudtrail',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      ...projection,
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      'projection.timestamp.range': `${options.startDate},NOW`,
      'storage.location.template': template,
    }),
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** One way an existing table differs from the desired one. */
export interface TableDifference {
  /** What differs: `column eventtime`, `partition keys`, `location`, `parameter projection.timestamp.range`... */
  field: string
  /** The existing value; absent when the table lacks it. */
  before?: string
  /** The desired value; absent when lakegov would remove it. */
  after?: string
}

/** Types compare without case or spaces: Athena writes `struct<a:string>`, people write `STRUCT<a: STRING>`. */
function normalType(type: string | undefined): string {
  return (type ?? '').replace(/\s+/g, '').toLowerCase()
}

function normalLocation(location: string | undefined): string {
  return (location ?? '').replace(/\/+$/, '')
}

/** Enum values are a set: a table listing the same regions in another order is the same table. */
function normalParameter(key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  return /^projection\.[^.]+\.values$/.test(key) ? value.split(',').map((item) => item.trim()).sort().join(',') : value
}

function diffColumns(label: string, existing: {Name: string; Type?: string}[], desired: GlueColumn[]): TableDifference[] {
  const differences: TableDifference[] = []
  const current = new Map(existing.map((column) => [column.Name.toLowerCase(), column.Type]))
  const wanted = new Set(desired.map((column) => column.Name))
  for (const column of desired) {
    if (!current.has(column.Name)) differences.push({field: `${label} ${column.Name}`, after: column.Type})
    else if (normalType(current.get(column.Name)) !== normalType(column.Type)) {
      differences.push({field: `${label} ${column.Name}`, before: current.get(column.Name) ?? '', after: column.Type})
    }
  }
  for (const column of existing) {
    if (!wanted.has(column.Name.toLowerCase())) differences.push({field: `${label} ${column.Name}`, before: column.Type ?? ''})
  }
  // Same columns in another order still differ: the JSON SerDe maps by name, but partition keys map by position.
  if (differences.length === 0) {
    const before = existing.map((column) => column.Name.toLowerCase()).join(',')
    const after = desired.map((column) => column.Name).join(',')
    if (before !== after) differences.push({field: `${label} order`, before, after})
  }
  return differences
}

/**
 * How an existing table differs from the desired one, in a stable order: type, columns, partition
 * keys, location, formats, SerDe, then the parameters lakegov owns (sorted). Fields Glue adds
 * (create time, version, catalog id...), the description, and parameters outside lakegov's
 * namespace are not compared. An empty list means the table matches.
 */
export function diffCloudTrailTable(existing: ExistingTable, desired: CloudTrailTableInput): TableDifference[] {
  const differences: TableDifference[] = []
  const scalar = (field: string, before: string | undefined, after: string, same = (a: string | undefined, b: string) => a === b) => {
    if (!same(before, after)) differences.push({field, ...(before === undefined ? {} : {before}), after})
  }
  const sd = existing.StorageDescriptor ?? {}
  scalar('table type', existing.TableType, desired.TableType)
  differences.push(...diffColumns('column', sd.Columns ?? [], desired.StorageDescriptor.Columns))
  differences.push(...diffColumns('partition key', existing.PartitionKeys ?? [], desired.PartitionKeys))
  scalar('location', sd.Location, desired.StorageDescriptor.Location, (a, b) => normalLocation(a) === normalLocation(b))
  scalar('input format', sd.InputFormat, desired.StorageDescriptor.InputFormat)
  scalar('output format', sd.OutputFormat, desired.StorageDescriptor.OutputFormat)
  scalar('SerDe', sd.SerdeInfo?.SerializationLibrary, desired.StorageDescriptor.SerdeInfo.SerializationLibrary)

  const current = existing.Parameters ?? {}
  const keys = [...new Set([...Object.keys(desired.Parameters), ...Object.keys(current).filter(isManagedParameter)])].sort()
  for (const key of keys) {
    const before = current[key]
    const after = desired.Parameters[key]
    if (normalParameter(key, before) === normalParameter(key, after)) continue
    differences.push({field: `parameter ${key}`, ...(before === undefined ? {} : {before}), ...(after === undefined ? {} : {after})})
  }
  return differences
}

/**
 * The input for UpdateTable, which replaces the whole table: the desired table, plus what others
 * set that lakegov does not own (description, owner, retention, SerDe and storage parameters, and
 * table properties outside lakegov's namespace). lakegov's stale projection keys are dropped.
 */
export function tableInputForUpdate(existing: ExistingTable, desired: CloudTrailTableInput): CloudTrailTableInput {
  const theirs = Object.fromEntries(Object.entries(existing.Parameters ?? {}).filter(([key]) => !isManagedParameter(key)))
  const sd = existing.StorageDescriptor
  return {
    ...desired,
    ...(existing.Description ? {Description: existing.Description} : {}),
    ...(existing.Owner ? {Owner: existing.Owner} : {}),
    ...(existing.Retention !== undefined ? {Retention: existing.Retention} : {}),
    StorageDescriptor: {
      ...desired.StorageDescriptor,
      ...(sd?.Parameters ? {Parameters: sd.Parameters} : {}),
      SerdeInfo: {...desired.StorageDescriptor.SerdeInfo, ...(sd?.SerdeInfo?.Parameters ? {Parameters: sd.SerdeInfo.Parameters} : {})},
    },
    Parameters: sortedRecord({...theirs, ...desired.Parameters}),
  }
}
