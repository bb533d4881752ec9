/**
 * The CloudTrail record as the CloudTrail table holds it. The table (src/core/catalog/cloudtrail-table.ts)
 * keeps the documented top-level fields, lowercased, with nested structs. Every engine prints the
 * record through this one projection, so `events --json` is identical whichever engine answered:
 * the record's fields the table holds, with CloudTrail's own names and types (readOnly a boolean,
 * requestParameters an object). Fields the table does not hold (managementEvent, for example) are
 * left out on every engine alike.
 */

/** A field of the record: its CloudTrail name, and how the table stores it. */
export interface RecordField {
  /** The CloudTrail name, camelCase (`userIdentity`); the table's column is its lowercase. */
  name: string
  /** string: a string column; json: an object stored as JSON text; boolean: a string 'true'/'false'; struct, array of structs, map. */
  kind: 'string' | 'json' | 'boolean' | 'struct' | 'structs' | 'map'
  /** The fields of a struct, or of each element of an array of structs. */
  fields?: RecordField[]
}

const s = (name: string): RecordField => ({name, kind: 'string'})
const struct = (name: string, fields: RecordField[]): RecordField => ({name, kind: 'struct', fields})

/** The fields, in the table's column order. */
export const RECORD_FIELDS: readonly RecordField[] = [
  s('eventVersion'),
  struct('userIdentity', [
    s('type'), s('principalId'), s('arn'), s('accountId'), s('invokedBy'), s('accessKeyId'), s('userName'),
    struct('onBehalfOf', [s('userId'), s('identityStoreArn')]),
    struct('sessionContext', [
      struct('attributes', [s('mfaAuthenticated'), s('creationDate')]),
      struct('sessionIssuer', [s('type'), s('principalId'), s('arn'), s('accountId'), s('userName')]),
      s('ec2RoleDelivery'),
      struct('webIdFederationData', [s('federatedProvider'), {name: 'attributes', kind: 'map'}]),
      s('sourceIdentity'),
    ]),
  ]),
  s('eventTime'), s('eventSource'), s('eventName'), s('awsRegion'), s('sourceIPAddress'), s('userAgent'), s('errorCode'), s('errorMessage'),
  {name: 'requestParameters', kind: 'json'}, {name: 'responseElements', kind: 'json'}, {name: 'additionalEventData', kind: 'json'},
  s('requestID'), s('eventID'), {name: 'readOnly', kind: 'boolean'},
  {name: 'resources', kind: 'structs', fields: [s('ARN'), s('accountId'), s('type')]},
  s('eventType'), s('apiVersion'), s('recipientAccountId'), {name: 'serviceEventDetails', kind: 'json'}, s('sharedEventID'), s('vpcEndpointId'),
  s('vpcEndpointAccountId'), s('eventCategory'),
  struct('addendum', [s('reason'), s('updatedFields'), s('originalRequestID'), s('originalEventID')]),
  s('sessionCredentialFromConsole'), {name: 'edgeDeviceDetails', kind: 'json'},
  struct('tlsDetails', [s('tlsVersion'), s('cipherSuite'), s('clientProvidedHostHeader')]),
]

/** A CloudTrail record: JSON. */
export type CloudTrailRecord = Record<string, unknown>

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The lowercase of each field name, computed once: SQL rows are keyed by it, and records are projected by the hundred thousand. */
const LOWERCASE = new Map<string, string>()

function lowercaseOf(name: string): string {
  let lower = LOWERCASE.get(name)
  if (lower === undefined) {
    lower = name.toLowerCase()
    LOWERCASE.set(name, lower)
  }
  return lower
}

/**
 * A field's value in one source object, whatever the case of its key: the CloudTrail name, else its
 * lowercase (the table's columns and the SQL engines' structs), else any key equal to it in lowercase,
 * from a map of the source's keys built at most once per object (most fields are absent from a
 * narrowed record, and scanning the keys for each was most of the projection's time).
 */
function keyLookup(source: Record<string, unknown>): (name: string) => unknown {
  let folded: Map<string, string> | undefined
  return (name) => {
    if (name in source) return source[name]
    const lower = lowercaseOf(name)
    if (lower in source) return source[lower]
    if (folded === undefined) {
      folded = new Map()
      for (const key of Object.keys(source)) if (!folded.has(key.toLowerCase())) folded.set(key.toLowerCase(), key)
    }
    const key = folded.get(lower)
    return key === undefined ? undefined : source[key]
  }
}

function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

function projectValue(field: RecordField, raw: unknown): unknown {
  // SQL engines return structs, arrays and maps as JSON text (json_format); records hold them as objects.
  const value = field.kind === 'struct' || field.kind === 'structs' || field.kind === 'map' ? parsedJson(raw) : raw
  if (value === undefined || value === null) return undefined
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' ? value : isObject(value) || Array.isArray(value) ? JSON.stringify(value) : String(value)
    case 'boolean':
      return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined
    case 'json':
      return parsedJson(value)
    case 'map':
      return isObject(value) && Object.keys(value).length > 0 ? value : undefined
    case 'struct':
      return isObject(value) ? projectStruct(field.fields ?? [], value) : undefined
    case 'structs': {
      if (!Array.isArray(value)) return undefined
      const items = value.filter(isObject).map((item) => projectStruct(field.fields ?? [], item) ?? {})
      return items.length > 0 ? items : undefined
    }
  }
}

function projectStruct(fields: readonly RecordField[], source: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  const lookup = keyLookup(source)
  for (const field of fields) {
    const value = projectValue(field, lookup(field.name))
    if (value !== undefined) out[field.name] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * The record as every engine prints it: the fields the table holds, with CloudTrail's names,
 * whatever the case of the source's keys (the table's lowercase columns, or the record itself).
 * Absent, null and empty values are left out.
 */
export function projectRecord(source: Record<string, unknown>): CloudTrailRecord {
  return projectStruct(RECORD_FIELDS, source) ?? {}
}

/** projectRecord narrowed to some top-level fields (any case) and eventID, as an events ask's `fields` asks. */
export function projectRecordFields(source: Record<string, unknown>, fields: readonly string[]): CloudTrailRecord {
  const wanted = new Set([...fields, 'eventID'].map((name) => name.toLowerCase()))
  return projectStruct(RECORD_FIELDS.filter((field) => wanted.has(field.name.toLowerCase())), source) ?? {}
}
