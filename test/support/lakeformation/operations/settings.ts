import type {DataLakePrincipal, DataLakeSettings, PrincipalPermissions} from '@aws-sdk/client-lakeformation'

import type {OperationContext} from '../context'
import {accessDenied, invalidInput} from '../errors'
import {IAM_ALLOWED_PRINCIPALS} from '../state'
import {ACCOUNT_ID, type Input, asInput, optionalBoolean, optionalList, optionalObject, optionalString} from '../validate'

const ADMIN_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/.+/
const CROSS_ACCOUNT_VERSIONS = new Set(['1', '2', '3', '4', '5'])

/** DataLakePrincipalList has at most 30 members (botocore lakeformation/2017-03-31/service-2.json, `"max": 30`). */
export const MAX_PRINCIPALS = 30
/** SET_SOURCE_IDENTITY takes "TRUE" or "FALSE" (the API reference, DataLakeSettings.Parameters; default "FALSE"). */
const SOURCE_IDENTITY_VALUES = new Set(['TRUE', 'FALSE'])

/**
 * The catalog of these calls is the account's Data Catalog, whose id is the 12-digit account id
 * ("By default, the account ID", the API reference): anything else is refused as invalid input,
 * and another account's catalog is not ours to read or change.
 */
function checkCatalog(context: OperationContext, input: Input): void {
  const catalogId = optionalString(input, 'CatalogId')
  if (catalogId !== undefined && !ACCOUNT_ID.test(catalogId)) throw invalidInput(`CatalogId ${JSON.stringify(catalogId)} is not an AWS account id (12 digits).`)
  if (catalogId !== undefined && catalogId !== context.accountId) {
    throw accessDenied(`Access to catalog ${catalogId} is denied: the sandbox plays account ${context.accountId} only.`)
  }
}

function principals(settings: Input, field: string, pattern?: RegExp): DataLakePrincipal[] {
  const list = optionalList(settings, field) ?? []
  if (list.length > MAX_PRINCIPALS) throw invalidInput(`${field} lists ${list.length} principals; it takes at most ${MAX_PRINCIPALS}.`)
  return list.map((entry) => {
    const id = optionalString(asInput(entry), 'DataLakePrincipalIdentifier')
    if (id === undefined || id.length > 255) throw invalidInput(`${field}: each principal needs a DataLakePrincipalIdentifier of 1 to 255 characters.`)
    if (pattern && !pattern.test(id)) throw invalidInput(`${field}: ${id} is not an IAM user or role ARN.`)
    return {DataLakePrincipalIdentifier: id}
  })
}

/**
 * The only two values Lake Formation takes: [] (Lake Formation decides for new objects) or one
 * entry granting ALL to IAM_ALLOWED_PRINCIPALS (IAM decides).
 */
function defaultPermissions(settings: Input, field: string): PrincipalPermissions[] {
  const entries = optionalList(settings, field) ?? []
  if (entries.length === 0) return []
  const [entry] = entries.map(asInput)
  const principal = optionalObject(entry, 'Principal')?.DataLakePrincipalIdentifier
  const permissions = optionalList(entry, 'Permissions') ?? []
  const iamOnly = entries.length === 1 && principal === IAM_ALLOWED_PRINCIPALS && permissions.length === 1 && permissions[0] === 'ALL'
  if (!iamOnly) {
    throw invalidInput(`${field} must be empty or grant exactly ALL to ${IAM_ALLOWED_PRINCIPALS}; other default permissions are not supported.`)
  }
  return [{Principal: {DataLakePrincipalIdentifier: IAM_ALLOWED_PRINCIPALS}, Permissions: ['ALL']}]
}

function parameters(settings: Input): Record<string, string> | undefined {
  const map = optionalObject(settings, 'Parameters')
  if (map === undefined) return undefined
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') throw invalidInput(`Parameters.${key} must be a string.`)
  }
  const version = map.CROSS_ACCOUNT_VERSION
  if (version !== undefined && !CROSS_ACCOUNT_VERSIONS.has(version as string)) {
    throw invalidInput(`Parameters.CROSS_ACCOUNT_VERSION must be one of 1, 2, 3, 4 or 5, not ${JSON.stringify(version)}.`)
  }
  const sourceIdentity = map.SET_SOURCE_IDENTITY
  if (sourceIdentity !== undefined && !SOURCE_IDENTITY_VALUES.has(sourceIdentity as string)) {
    throw invalidInput(`Parameters.SET_SOURCE_IDENTITY must be TRUE or FALSE, not ${JSON.stringify(sourceIdentity)}.`)
  }
  return {...(map as Record<string, string>)}
}

function strings(settings: Input, field: string, pattern?: RegExp): string[] {
  return (optionalList(settings, field) ?? []).map((value) => {
    if (typeof value !== 'string' || (pattern && !pattern.test(value))) throw invalidInput(`${field} has an invalid entry: ${JSON.stringify(value)}.`)
    return value
  })
}

export function getDataLakeSettings(context: OperationContext, input: Input) {
  checkCatalog(context, input)
  return {DataLakeSettings: structuredClone(context.state.settings)}
}

/**
 * Replaces the whole settings object: a field left out is reset, not kept. That is how callers lose
 * their admins when they write without reading first.
 */
export function putDataLakeSettings(context: OperationContext, input: Input) {
  checkCatalog(context, input)
  const given = optionalObject(input, 'DataLakeSettings')
  if (given === undefined) throw invalidInput('DataLakeSettings is required.')

  const settings: DataLakeSettings = {
    DataLakeAdmins: principals(given, 'DataLakeAdmins', ADMIN_ARN),
    ReadOnlyAdmins: principals(given, 'ReadOnlyAdmins', ADMIN_ARN),
    CreateDatabaseDefaultPermissions: defaultPermissions(given, 'CreateDatabaseDefaultPermissions'),
    CreateTableDefaultPermissions: defaultPermissions(given, 'CreateTableDefaultPermissions'),
    TrustedResourceOwners: strings(given, 'TrustedResourceOwners', ACCOUNT_ID),
    AllowExternalDataFiltering: optionalBoolean(given, 'AllowExternalDataFiltering') ?? false,
    ExternalDataFilteringAllowList: principals(given, 'ExternalDataFilteringAllowList'),
    AuthorizedSessionTagValueList: strings(given, 'AuthorizedSessionTagValueList'),
    AllowFullTableExternalDataAccess: optionalBoolean(given, 'AllowFullTableExternalDataAccess') ?? false,
  }
  const params = parameters(given)
  if (params !== undefined) settings.Parameters = params

  context.state.settings = settings
  return {}
}
