/**
 * The checks of the rules that come from the lake's infrastructure rather than from its grants: bucket
 * hardening (LG004-LG007), registration (LG008-LG009), registration and crawler roles broader than
 * the log prefix (LG010) and the trail (LG016-LG018), one function per rule; the registry in
 * rules.ts names them. The input is what the readers observed; the lake.yaml positions place each
 * finding at the line that declares the thing at fault.
 *
 * Choices made where the rules leave room:
 * - A missing bucket yields no bucket finding: there is nothing to harden, and a missing location
 *   already shows as LG008.
 * - TLS-only (LG006) is checked by evaluating the bucket policy: a GetObject and a PutObject under
 *   the prefix, from an arbitrary principal, with aws:SecureTransport false, must both be denied.
 *   A Deny that needs other conditions too does not count, because it may not apply.
 * - A location counts as registered when it, or a location containing it, is registered. Both
 *   NOT_VERIFIED and VERIFICATION_FAILED are reported: either way Lake Formation has not confirmed
 *   that the role reaches the data (the sandbox, for one, says NOT_VERIFIED for a role that does
 *   not trust Lake Formation).
 * - The service-linked role is AWS's, scoped by AWS: LG010 looks at custom roles only.
 * - A declared trail that does not exist is not logging (LG016), and its other settings are unknown.
 */
import type {ObservedBucket, ObservedRegistration, ObservedTrail} from '../lake/observed'
import type {RegisteredLocation} from '../model/lake'
import type {FindingFields, FindingLocation} from './findings'
import {evaluatePolicies, findScopeViolations, objectArnPrefix, type NamedPolicy} from '../iam'

/** A role that reaches the logs on Lake Formation's or a crawler's behalf. */
export interface LakeRole {
  /** The role ARN. */
  arn: string
  /** Why it touches the logs: the registration, or a crawler (with its name). */
  purpose: 'registration' | `crawler ${string}`
  /** Whether the role exists; a missing role has no policies to check. */
  exists: boolean
  /** Its identity policies: inline and attached managed. */
  policies: NamedPolicy[]
}

/** A trail that writes the logs. */
export interface LakeTrail {
  /** The trail name. */
  name: string
  /** Whether lake.yaml declares it (a declared trail's findings point at trail.name). */
  declared: boolean
  /** What CloudTrail reports. */
  observed: ObservedTrail
}

/** The lake's infrastructure as the readers observed it. */
export interface LakeObservation {
  /** The log bucket. */
  bucket: {
    /** Its name. */
    name: string
    /** The log prefix ("AWSLogs/"), "" for the whole bucket. */
    prefix: string
    /** Its settings. */
    observed: ObservedBucket
    /** Its policy, parsed for the evaluator; undefined when it has none. */
    policy?: NamedPolicy
  }
  /** The registration of the log location. */
  registration: {
    /** The S3 ARN lake.yaml's bucket and prefix register as. */
    locationArn: string
    /** The registration of exactly that location, when there is one. */
    exact?: ObservedRegistration
    /** Registered locations that contain it (the whole bucket, say). */
    parents: RegisteredLocation[]
  }
  /** The registration role and the crawler roles. */
  roles: LakeRole[]
  /** The trails that write the logs: the declared one, or those found writing into the bucket. */
  trails: LakeTrail[]
}

/** lake.yaml positions by field path (region, admins, bucket.name, bucket.encryption.kmsKeyArn, registration, database, trail.name, crawler.name). */
export type LakeSources = Readonly<Record<string, FindingLocation | undefined>>

/** What the infrastructure checks read. */
export interface LakeInput {
  /** What the readers observed. */
  lake: LakeObservation
  /** lake.yaml's positions. */
  sources: LakeSources
}

const BLOCK_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const

/** LG004. A missing bucket has nothing to harden, here and in LG005-LG007. */
export function publicAccessFindings({lake, sources}: LakeInput): FindingFields[] {
  const {name, observed} = lake.bucket
  const off = BLOCK_SETTINGS.filter((setting) => observed.publicAccessBlock?.[setting] !== true)
  if (!observed.exists || off.length === 0) return []
  return [
    {
      title: `Bucket ${name} does not block public access`,
      resource: `arn:aws:s3:::${name}`,
      evidence: observed.publicAccessBlock ? `Block Public Access is off for ${off.join(', ')}.` : 'The bucket has no Block Public Access configuration.',
      location: sources['bucket.name'],
    },
  ]
}

/** LG005. */
export function encryptionFindings({lake, sources}: LakeInput): FindingFields[] {
  const {name, observed} = lake.bucket
  if (!observed.exists || observed.encryption) return []
  return [
    {
      title: `Bucket ${name} has no default encryption`,
      resource: `arn:aws:s3:::${name}`,
      evidence: 'GetBucketEncryption reports no default encryption rule.',
      location: sources['bucket.encryption.kmsKeyArn'] ?? sources['bucket.name'],
    },
  ]
}

/** LG006. */
export function insecureTransportFindings({lake, sources}: LakeInput): FindingFields[] {
  const {name, prefix, observed, policy} = lake.bucket
  const insecure = observed.exists ? insecureTransportActions(name, prefix, policy) : []
  if (insecure.length === 0) return []
  return [
    {
      title: `Bucket ${name} does not require TLS`,
      resource: `arn:aws:s3:::${name}`,
      evidence: policy ? `The bucket policy does not deny ${insecure.join(' and ')} when aws:SecureTransport is false.` : 'The bucket has no policy, so nothing denies requests over plain HTTP.',
      location: sources['bucket.name'],
    },
  ]
}

/** LG007. */
export function versioningFindings({lake, sources}: LakeInput): FindingFields[] {
  const {name, observed} = lake.bucket
  if (!observed.exists || observed.versioning === 'Enabled') return []
  return [
    {
      title: `Bucket ${name} has versioning ${observed.versioning === 'Suspended' ? 'suspended' : 'off'}`,
      resource: `arn:aws:s3:::${name}`,
      evidence: `Versioning status: ${observed.versioning ?? 'never enabled'}.`,
      location: sources['bucket.name'],
    },
  ]
}

/** The object actions the bucket policy does not deny over plain HTTP, for any principal. */
function insecureTransportActions(bucket: string, prefix: string, policy: NamedPolicy | undefined): string[] {
  const resource = `${objectArnPrefix(bucket, prefix)}lakegov-audit-probe`
  // An account and role no policy names: a Deny must apply to everyone to count.
  const principal = 'arn:aws:iam::000000000000:role/lakegov-audit-probe'
  return ['s3:GetObject', 's3:PutObject'].filter(
    (action) => !policy || evaluatePolicies({action, resource, principal, context: {'aws:SecureTransport': 'false'}}, [policy]).decision !== 'denied',
  )
}

/** LG008. */
export function unregisteredFindings({lake, sources}: LakeInput): FindingFields[] {
  const {locationArn, exact, parents} = lake.registration
  if (exact ?? parents[0]) return []
  return [
    {
      title: `${locationArn} is not registered with Lake Formation`,
      resource: locationArn,
      evidence: 'Neither the location nor a location containing it is registered (DescribeResource, ListResources).',
      location: sources.registration,
    },
  ]
}

/** LG009. */
export function verificationFindings({lake, sources}: LakeInput): FindingFields[] {
  const registration = lake.registration.exact ?? lake.registration.parents[0]
  const status = registration?.verificationStatus
  if (!registration || status === undefined || status === 'VERIFIED') return []
  return [
    {
      title: `The registration of ${registration.resourceArn} is ${status}`,
      resource: registration.resourceArn,
      principal: registration.roleArn,
      evidence: `VerificationStatus is ${status}${registration.roleArn ? ` for role ${registration.roleArn}` : ''}.`,
      location: sources.registration,
    },
  ]
}

/** LG010. */
export function roleScopeFindings({lake, sources}: LakeInput): FindingFields[] {
  const {name, prefix} = lake.bucket
  return lake.roles.flatMap((role) => {
    const violations = role.exists ? findScopeViolations(role.policies, name, prefix) : []
    if (violations.length === 0) return []
    const statements = violations.map((violation) => `${violation.policy}#${violation.sid ?? violation.index} ${violation.pattern} (${violation.reason})`)
    return [
      {
        title: `The ${role.purpose} role ${role.arn} reaches beyond s3://${name}/${prefix}`,
        resource: role.arn,
        principal: role.arn,
        evidence: `S3 permissions outside the log prefix: ${[...new Set(statements)].join('; ')}.`,
        location: role.purpose === 'registration' ? sources.registration : sources['crawler.name'],
      },
    ]
  })
}

/** Each trail with where lake.yaml declares it (only a declared trail has a line). */
function trailsOf({lake, sources}: LakeInput) {
  return lake.trails.map((trail) => ({trail, observed: trail.observed, resource: `trail/${trail.name}`, location: trail.declared ? sources['trail.name'] : undefined}))
}

/** LG016: a declared trail that does not exist is not logging either. */
export function trailLoggingFindings(input: LakeInput): FindingFields[] {
  return trailsOf(input).flatMap(({trail, observed, resource, location}): FindingFields[] => {
    if (!observed.exists) return [{title: `Trail ${trail.name} does not exist`, resource, evidence: 'GetTrail reports no such trail, so nothing writes the logs.', location}]
    return observed.isLogging === true ? [] : [{title: `Trail ${trail.name} is not logging`, resource, evidence: 'GetTrailStatus reports IsLogging false.', location}]
  })
}

/** LG017; a trail that does not exist has no other settings to judge. */
export function trailRegionFindings(input: LakeInput): FindingFields[] {
  return trailsOf(input)
    .filter(({observed}) => observed.exists && observed.multiRegion !== true)
    .map(({trail, observed, resource, location}) => ({
      title: `Trail ${trail.name} is not multi-region`,
      resource,
      evidence: `IsMultiRegionTrail is false; only ${observed.homeRegion ?? 'its home region'} is recorded.`,
      location,
    }))
}

/** LG018. */
export function trailValidationFindings(input: LakeInput): FindingFields[] {
  return trailsOf(input)
    .filter(({observed}) => observed.exists && observed.logFileValidation !== true)
    .map(({trail, resource, location}) => ({title: `Trail ${trail.name} has log file validation off`, resource, evidence: 'LogFileValidationEnabled is false: no digest files are written.', location}))
}
