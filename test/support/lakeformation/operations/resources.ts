import type {ResourceInfo, VerificationStatus} from '@aws-sdk/client-lakeformation'

import type {LocationToVerify, OperationContext} from '../context'
import {alreadyExists, entityNotFound, invalidInput} from '../errors'
import {DEFAULT_PAGE_SIZE, paginate} from '../pagination'
import type {RegisteredResource} from '../state'
import {ACCOUNT_ID, type Input, ROLE_ARN, asInput, optionalBoolean, optionalInteger, optionalList, optionalString, requiredString} from '../validate'

const S3_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/

export {DEFAULT_PAGE_SIZE} from '../pagination'

/** The role Lake Formation creates and uses when a location is registered with UseServiceLinkedRole. */
export function serviceLinkedRoleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`
}

function resourceArnOf(input: Input): string {
  const arn = requiredString(input, 'ResourceArn')
  if (!S3_ARN.test(arn)) throw invalidInput(`ResourceArn ${arn} is not an Amazon S3 location (arn:aws:s3:::bucket[/prefix]).`)
  return arn
}

/** A verifier that fails is a location Lake Formation could not check, not a failed call. */
async function verificationOf(context: OperationContext, location: LocationToVerify): Promise<VerificationStatus> {
  try {
    return await context.verify(location)
  } catch {
    return 'VERIFICATION_FAILED'
  }
}

function toResourceInfo(resource: RegisteredResource): ResourceInfo {
  return {
    ResourceArn: resource.resourceArn,
    RoleArn: resource.roleArn,
    LastModified: new Date(resource.lastModified.getTime()),
    WithFederation: resource.withFederation,
    HybridAccessEnabled: resource.hybridAccessEnabled,
    WithPrivilegedAccess: resource.withPrivilegedAccess,
    VerificationStatus: resource.verificationStatus,
    ...(resource.expectedResourceOwnerAccount === undefined ? {} : {ExpectedResourceOwnerAccount: resource.expectedResourceOwnerAccount}),
  }
}

function existing(context: OperationContext, resourceArn: string): RegisteredResource {
  const resource = context.state.resources.get(resourceArn)
  if (resource === undefined) throw entityNotFound(`Entity not found: ${resourceArn} is not registered.`)
  return resource
}

export async function registerResource(context: OperationContext, input: Input) {
  const resourceArn = resourceArnOf(input)
  const useServiceLinkedRole = optionalBoolean(input, 'UseServiceLinkedRole') === true
  const roleArn = optionalString(input, 'RoleArn', ROLE_ARN)
  if (useServiceLinkedRole === (roleArn !== undefined)) {
    throw invalidInput('Give exactly one of UseServiceLinkedRole=true and RoleArn.')
  }
  const withFederation = optionalBoolean(input, 'WithFederation') ?? false
  const hybridAccessEnabled = optionalBoolean(input, 'HybridAccessEnabled') ?? false
  const withPrivilegedAccess = optionalBoolean(input, 'WithPrivilegedAccess') ?? false
  const expectedResourceOwnerAccount = optionalString(input, 'ExpectedResourceOwnerAccount', ACCOUNT_ID)

  const duplicate = () => alreadyExists(`Resource ${resourceArn} is already registered.`)
  if (context.state.resources.has(resourceArn)) throw duplicate()
  const verificationStatus = await verificationOf(context, {resourceArn, roleArn, useServiceLinkedRole})
  // Checked again: a concurrent RegisterResource may have won while the location was being verified.
  if (context.state.resources.has(resourceArn)) throw duplicate()

  context.state.resources.set(resourceArn, {
    resourceArn,
    roleArn: roleArn ?? serviceLinkedRoleArn(context.accountId),
    useServiceLinkedRole,
    withFederation,
    hybridAccessEnabled,
    withPrivilegedAccess,
    expectedResourceOwnerAccount,
    verificationStatus,
    lastModified: context.now(),
  })
  return {}
}

export function describeResource(context: OperationContext, input: Input) {
  return {ResourceInfo: toResourceInfo(existing(context, resourceArnOf(input)))}
}

type StringFilter = (value: string | undefined) => boolean

function filterOf(condition: Input): {field: 'resourceArn' | 'roleArn'; test: StringFilter} {
  const field = optionalString(condition, 'Field')
  const operator = optionalString(condition, 'ComparisonOperator')
  const values = (optionalList(condition, 'StringValueList') ?? []).map(String)
  const key = field === 'RESOURCE_ARN' ? 'resourceArn' : field === 'ROLE_ARN' ? 'roleArn' : undefined
  if (key === undefined) throw invalidInput(`The lakegov sandbox does not model ListResources filters on ${field ?? 'a missing Field'} yet.`)
  const [first = ''] = values
  const tests: Record<string, StringFilter> = {
    EQ: (value) => value === first,
    NE: (value) => value !== first,
    CONTAINS: (value) => (value ?? '').includes(first),
    NOT_CONTAINS: (value) => !(value ?? '').includes(first),
    BEGINS_WITH: (value) => (value ?? '').startsWith(first),
    IN: (value) => value !== undefined && values.includes(value),
  }
  const test = operator === undefined ? undefined : tests[operator]
  if (test === undefined) throw invalidInput(`The lakegov sandbox does not model the ListResources operator ${operator ?? '(none)'} yet.`)
  return {field: key, test}
}

export function listResources(context: OperationContext, input: Input) {
  const maxResults = optionalInteger(input, 'MaxResults', 1, 1000) ?? DEFAULT_PAGE_SIZE
  const nextToken = optionalString(input, 'NextToken')
  const conditions = (optionalList(input, 'FilterConditionList') ?? []).map(asInput)
  const filters = conditions.map(filterOf)
  const matching = [...context.state.resources.values()].filter((resource) => filters.every(({field, test}) => test(resource[field])))
  const page = paginate(matching, (resource) => resource.resourceArn, {
    maxResults,
    nextToken,
    scope: JSON.stringify(['ListResources', conditions]),
  })
  return {ResourceInfoList: page.items.map(toResourceInfo), ...(page.nextToken ? {NextToken: page.nextToken} : {})}
}

export function deregisterResource(context: OperationContext, input: Input) {
  const resourceArn = resourceArnOf(input)
  existing(context, resourceArn)
  context.state.resources.delete(resourceArn)
  return {}
}

export async function updateResource(context: OperationContext, input: Input) {
  const roleArn = requiredString(input, 'RoleArn')
  if (!ROLE_ARN.test(roleArn)) throw invalidInput(`RoleArn ${roleArn} is not an IAM role ARN.`)
  const resourceArn = resourceArnOf(input)
  const withFederation = optionalBoolean(input, 'WithFederation')
  const hybridAccessEnabled = optionalBoolean(input, 'HybridAccessEnabled')
  const expectedResourceOwnerAccount = optionalString(input, 'ExpectedResourceOwnerAccount', ACCOUNT_ID)

  const resource = existing(context, resourceArn)
  if (resource.useServiceLinkedRole && roleArn !== resource.roleArn) {
    throw invalidInput(`${resourceArn} is registered with the service-linked role and cannot switch to a custom role in place; deregister it and register it again.`)
  }
  const verificationStatus = await verificationOf(context, {
    resourceArn,
    roleArn: resource.useServiceLinkedRole ? undefined : roleArn,
    useServiceLinkedRole: resource.useServiceLinkedRole,
  })
  // The registration may have gone while the location was being verified.
  const current = existing(context, resourceArn)
  current.roleArn = roleArn
  current.verificationStatus = verificationStatus
  current.lastModified = context.now()
  if (withFederation !== undefined) current.withFederation = withFederation
  if (hybridAccessEnabled !== undefined) current.hybridAccessEnabled = hybridAccessEnabled
  if (expectedResourceOwnerAccount !== undefined) current.expectedResourceOwnerAccount = expectedResourceOwnerAccount
  return {}
}
