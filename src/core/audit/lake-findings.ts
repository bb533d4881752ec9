/**
 * The findings that come from the lake's infrastructure rather than from its grants: bucket
 * hardening (LG004-LG007), registration (LG008-LG009), registration and crawler roles broader than
 * the log prefix (LG010) and the trail (LG016-LG018). The input is what the readers observed; the
 * lake.yaml positions place each finding at the line that declares the thing at fault.
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
import {type Finding, type FindingLocation, ruleById} from './findings'
import {evaluatePolicies, findScopeViolations, objectArnPrefix, type NamedPolicy} from '../iam'
import {compareText} from '../order'

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

function finding(ruleId: string, fields: Omit<Finding, 'ruleId' | 'severity' | 'fix'> & Partial<Pick<Finding, 'severity' | 'fix'>>): Finding {
  const rule = ruleById(ruleId)
  const {location, ...rest} = fields
  return {ruleId, severity: fields.severity ?? rule.severity, fix: fields.fix ?? rule.fix, ...rest, ...(location ? {location: {file: location.file, line: location.line}} : {})}
}

const BLOCK_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const

function bucketFindings(lake: LakeObservation, sources: LakeSources): Finding[] {
  const {name, prefix, observed, policy} = lake.bucket
  if (!observed.exists) return []
  const resource = `arn:aws:s3:::${name}`
  const at = sources['bucket.name']
  const findings: Finding[] = []
  const off = BLOCK_SETTINGS.filter((setting) => observed.publicAccessBlock?.[setting] !== true)
  if (off.length > 0) {
    findings.push(
      finding('LG004', {
        title: `Bucket ${name} does not block public access`,
        resource,
        evidence: observed.publicAccessBlock ? `Block Public Access is off for ${off.join(', ')}.` : 'The bucket has no Block Public Access configuration.',
        location: at,
      }),
    )
  }
  if (!observed.encryption) {
    findings.push(
      finding('LG005', {
        title: `Bucket ${name} has no default encryption`,
        resource,
        evidence: 'GetBucketEncryption reports no default encryption rule.',
        location: sources['bucket.encryption.kmsKeyArn'] ?? at,
      }),
    )
  }
  const insecure = insecureTransportActions(name, prefix, policy)
  if (insecure.length > 0) {
    findings.push(
      finding('LG006', {
        title: `Bucket ${name} does not require TLS`,
        resource,
        evidence: policy
          ? `The bucket policy does not deny ${insecure.join(' and ')} when aws:SecureTransport is false.`
          : 'The bucket has no policy, so nothing denies requests over plain HTTP.',
        location: at,
      }),
    )
  }
  if (observed.versioning !== 'Enabled') {
    findings.push(
      finding('LG007', {
        title: `Bucket ${name} has versioning ${observed.versioning === 'Suspended' ? 'suspended' : 'off'}`,
        resource,
        evidence: `Versioning status: ${observed.versioning ?? 'never enabled'}.`,
        location: at,
      }),
    )
  }
  return findings
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

function registrationFindings(lake: LakeObservation, sources: LakeSources): Finding[] {
  const {locationArn, exact, parents} = lake.registration
  const at = sources.registration
  const registration = exact ?? parents[0]
  if (!registration) {
    return [
      finding('LG008', {
        title: `${locationArn} is not registered with Lake Formation`,
        resource: locationArn,
        evidence: 'Neither the location nor a location containing it is registered (DescribeResource, ListResources).',
        location: at,
      }),
    ]
  }
  const status = registration.verificationStatus
  if (status === undefined || status === 'VERIFIED') return []
  return [
    finding('LG009', {
      title: `The registration of ${registration.resourceArn} is ${status}`,
      resource: registration.resourceArn,
      principal: registration.roleArn,
      evidence: `VerificationStatus is ${status}${registration.roleArn ? ` for role ${registration.roleArn}` : ''}.`,
      location: at,
    }),
  ]
}

function roleFindings(lake: LakeObservation, sources: LakeSources): Finding[] {
  const {name, prefix} = lake.bucket
  const findings: Finding[] = []
  for (const role of lake.roles) {
    if (!role.exists) continue
    const violations = findScopeViolations(role.policies, name, prefix)
    if (violations.length === 0) continue
    const statements = violations.map((violation) => `${violation.policy}#${violation.sid ?? violation.index} ${violation.pattern} (${violation.reason})`)
    findings.push(
      finding('LG010', {
        title: `The ${role.purpose} role ${role.arn} reaches beyond s3://${name}/${prefix}`,
        resource: role.arn,
        principal: role.arn,
        evidence: `S3 permissions outside the log prefix: ${[...new Set(statements)].join('; ')}.`,
        location: role.purpose === 'registration' ? sources.registration : sources['crawler.name'],
      }),
    )
  }
  return findings
}

function trailFindings(lake: LakeObservation, sources: LakeSources): Finding[] {
  const findings: Finding[] = []
  for (const trail of lake.trails) {
    const at = trail.declared ? sources['trail.name'] : undefined
    const resource = `trail/${trail.name}`
    const observed = trail.observed
    if (!observed.exists) {
      findings.push(finding('LG016', {title: `Trail ${trail.name} does not exist`, resource, evidence: 'GetTrail reports no such trail, so nothing writes the logs.', location: at}))
      continue
    }
    if (observed.isLogging !== true) {
      findings.push(finding('LG016', {title: `Trail ${trail.name} is not logging`, resource, evidence: 'GetTrailStatus reports IsLogging false.', location: at}))
    }
    if (observed.multiRegion !== true) {
      findings.push(finding('LG017', {title: `Trail ${trail.name} is not multi-region`, resource, evidence: `IsMultiRegionTrail is false; only ${observed.homeRegion ?? 'its home region'} is recorded.`, location: at}))
    }
    if (observed.logFileValidation !== true) {
      findings.push(finding('LG018', {title: `Trail ${trail.name} has log file validation off`, resource, evidence: 'LogFileValidationEnabled is false: no digest files are written.', location: at}))
    }
  }
  return findings
}

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.ruleId, b.ruleId) || compareText(a.resource, b.resource) || compareText(a.principal ?? '', b.principal ?? '')
}

/** LG004-LG010 and LG016-LG018, sorted by rule, resource and principal. */
export function findingsFromLake(lake: LakeObservation, sources: LakeSources = {}): Finding[] {
  return [...bucketFindings(lake, sources), ...registrationFindings(lake, sources), ...roleFindings(lake, sources), ...trailFindings(lake, sources)].sort(compareFindings)
}

/** The lake.yaml field each grant-side rule is rooted at, when the grants files do not place it. */
const LAKE_FIELD_OF_RULE: Readonly<Record<string, string>> = {
  LG002: 'database',
  LG003: 'bucket.name',
  LG013: 'database',
  LG014: 'admins',
  LG015: 'admins',
}

/**
 * Gives findings without a location the lake.yaml line they are rooted at (the admins for LG014,
 * the bucket for LG003, ...), so that SARIF viewers show them where a fix would go.
 */
export function locateInLakeFile(findings: readonly Finding[], sources: LakeSources): Finding[] {
  return findings.map((entry) => {
    if (entry.location) return entry
    const field = LAKE_FIELD_OF_RULE[entry.ruleId]
    const at = field ? sources[field] : undefined
    return at ? {...entry, location: {file: at.file, line: at.line}} : entry
  })
}

/** Findings from every source in one deterministic order: rule, resource, principal. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings)
}
