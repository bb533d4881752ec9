/**
 * DESIGN: core/audit answers two questions from data the workflows read (workflows/audit.ts):
 * who can read the logs (access.ts: effectiveAccess, findS3Readers) and what is wrong with the lake
 * (this file: the rule registry). Each audit rule is ONE entry of AUDIT_RULES:
 *   meta       its id (LG001 and up, never reused), SARIF name, severity, title, help and fix;
 *   check      what it reads and the function that reports its findings: `on: 'access'` reads the
 *              grants and settings (findings.ts), `on: 'lake'` the bucket, registration, roles and
 *              trail (lake-findings.ts);
 *   lakeField  the lake.yaml field a finding without its own location points at (SARIF).
 * RuleId is derived from the registry, so a mistyped id does not compile.
 *
 * To add a rule: write its check (a function returning FindingFields[], in findings.ts,
 * lake-findings.ts, or a file of its own), then add `{meta, check, lakeField}` here; the text, JSON
 * and SARIF outputs and --fail-on follow from the entry. A group of rules with a new kind of input
 * goes in its own file, spread into AUDIT_RULES below, with a RuleCheck variant for its input and a
 * runner like findingsFromLake called from workflows/audit.ts computeFindings: the alarm rules
 * (alarm-findings.ts, `on: 'alarms'`, findingsFromAlarms) are built this way.
 */
import {grantKey} from '../model/grant'
import type {SourceRef} from '../policy/source-map'
import {compareText} from '../order'
import {findS3Readers, type AuditState} from './access'
import {ALARM_RULES, type AlarmInput, type AlarmObservation} from './alarm-findings'
import {
  broadFindings,
  bypassFindings,
  crossAccountFindings,
  defaultPermissionFindings,
  fewAdminFindings,
  grantableFindings,
  iamAllowedFindings,
  iamUserAdminFindings,
  type AccessInput,
  type Finding,
  type FindingFields,
  type FindingLocation,
  type FindingsOptions,
  type Rule,
} from './findings'
import {
  encryptionFindings,
  insecureTransportFindings,
  publicAccessFindings,
  roleScopeFindings,
  trailLoggingFindings,
  trailRegionFindings,
  trailValidationFindings,
  unregisteredFindings,
  verificationFindings,
  versioningFindings,
  type LakeInput,
  type LakeObservation,
  type LakeSources,
} from './lake-findings'

/** What a rule's check reads, and the function that reports its findings. */
export type RuleCheck =
  | {on: 'access'; run: (input: AccessInput) => FindingFields[]}
  | {on: 'lake'; run: (input: LakeInput) => FindingFields[]}
  | {on: 'alarms'; run: (input: AlarmInput) => FindingFields[]}

/** One audit rule: what it is, how it is checked, and where in lake.yaml it is rooted. */
export interface RuleEntry {
  /** The rule as the outputs describe it. */
  meta: Rule
  /** What it reads and how it reports. */
  check: RuleCheck
  /** The lake.yaml field a finding without a location of its own points at. */
  lakeField?: string
}

/** Every audit rule. Ids are stable: SARIF consumers and --fail-on baselines key on them. */
export const AUDIT_RULES = [
  {
    meta: {
      id: 'LG001',
      name: 'DefaultPermissionsHandToIam',
      severity: 'high',
      title: 'Default permissions hand new databases or tables to IAM',
      help: 'CreateDatabaseDefaultPermissions or CreateTableDefaultPermissions grants ALL to `IAM_ALLOWED_PRINCIPALS`, so every new database or table is readable by any identity whose IAM policy allows it. Lake Formation does not govern them.',
      fix: 'Set both default permissions to [] (lakegov bootstrap does this), then revoke IAM_ALLOWED_PRINCIPALS from existing log databases and tables.',
    },
    check: {on: 'access', run: defaultPermissionFindings},
  },
  {
    meta: {
      id: 'LG002',
      name: 'IamAllowedPrincipalsOnLogs',
      severity: 'high',
      title: 'IAM_ALLOWED_PRINCIPALS holds permissions on the log database or tables',
      help: 'A grant to `IAM_ALLOWED_PRINCIPALS` means IAM policies, not Lake Formation, decide who reads the data. Column, row and tag-based controls are bypassed, and fine-grained grants on the same table silently widen to all columns.',
      fix: 'Revoke the IAM_ALLOWED_PRINCIPALS grant and grant the intended principals explicitly.',
    },
    check: {on: 'access', run: iamAllowedFindings},
    lakeField: 'database',
  },
  {
    meta: {
      id: 'LG003',
      name: 'S3BypassReader',
      severity: 'high',
      title: 'A principal can read the log objects directly from S3',
      help: 'The principal can call `s3:GetObject` on the log prefix through the bucket policy or its IAM policies, so it reads every column and row past Lake Formation. Expected readers (the registration role) are excluded. Access under conditions lakegov cannot evaluate is reported at medium severity.',
      fix: 'Remove s3:GetObject on the log prefix from the principal, or deny it in the bucket policy; read the logs through Lake Formation grants instead.',
    },
    check: {on: 'access', run: bypassFindings},
    lakeField: 'bucket.name',
  },
  {
    meta: {
      id: 'LG004',
      name: 'BucketPublicAccessNotBlocked',
      severity: 'high',
      title: 'The log bucket does not block public access',
      help: 'Without all four S3 Block Public Access settings, a policy or ACL change can expose the logs to the internet.',
      fix: 'Enable BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets on the bucket.',
    },
    check: {on: 'lake', run: publicAccessFindings},
  },
  {
    meta: {
      id: 'LG005',
      name: 'BucketNotEncrypted',
      severity: 'medium',
      title: 'The log bucket has no default encryption',
      help: 'Objects written without encryption headers are stored unencrypted.',
      fix: 'Set default encryption on the bucket (SSE-KMS with a customer key for audit logs).',
    },
    check: {on: 'lake', run: encryptionFindings},
  },
  {
    meta: {
      id: 'LG006',
      name: 'BucketAllowsInsecureTransport',
      severity: 'medium',
      title: 'The log bucket policy does not require TLS',
      help: 'Without a Deny on `aws:SecureTransport = false`, the logs can be read and written over plain HTTP.',
      fix: 'Add a bucket policy statement denying s3:* when aws:SecureTransport is false.',
    },
    check: {on: 'lake', run: insecureTransportFindings},
  },
  {
    meta: {
      id: 'LG007',
      name: 'BucketVersioningOff',
      severity: 'low',
      title: 'The log bucket has versioning off',
      help: 'Without versioning, a deleted or overwritten log file is gone, and tampering leaves no trace.',
      fix: 'Enable versioning on the bucket.',
    },
    check: {on: 'lake', run: versioningFindings},
  },
  {
    meta: {
      id: 'LG008',
      name: 'LocationNotRegistered',
      severity: 'high',
      title: 'The log location is not registered with Lake Formation',
      help: 'An unregistered S3 location is not governed by Lake Formation: grants on its tables do not control access to the data.',
      fix: 'Register the log prefix with Lake Formation (lakegov bootstrap).',
    },
    check: {on: 'lake', run: unregisteredFindings},
  },
  {
    meta: {
      id: 'LG009',
      name: 'LocationVerificationFailed',
      severity: 'high',
      title: 'The registered location failed verification',
      help: 'Lake Formation reports the registration role cannot reach the location (`VerificationStatus` is not VERIFIED), so queries through Lake Formation fail.',
      fix: 'Fix the registration role so it can read the prefix (and decrypt with the bucket key), then re-register.',
    },
    check: {on: 'lake', run: verificationFindings},
  },
  {
    meta: {
      id: 'LG010',
      name: 'RoleBroaderThanPrefix',
      severity: 'medium',
      title: 'A registration or crawler role reaches beyond its prefix',
      help: 'The role that Lake Formation or the crawler uses has S3 permissions on `*`, on other buckets, or on keys outside the log prefix. Anyone who can use the role reaches that data too.',
      fix: 'Scope the role policy to arn:aws:s3:::BUCKET/PREFIX/* and s3:ListBucket on the bucket with an s3:prefix condition.',
    },
    check: {on: 'lake', run: roleScopeFindings},
  },
  {
    meta: {
      id: 'LG011',
      name: 'GrantableOutsideAdmins',
      severity: 'medium',
      title: 'A principal other than the data lake admins holds grantable permissions',
      help: 'A grant option lets the holder extend access to anyone, outside the reviewed policy files.',
      fix: 'Revoke the grant option, or make the principal a data lake admin if it should administer the lake.',
    },
    check: {on: 'access', run: grantableFindings},
  },
  {
    meta: {
      id: 'LG012',
      name: 'BroadPermissionOnLogTables',
      severity: 'medium',
      title: 'ALL or SUPER_USER is granted on log tables',
      help: 'ALL includes ALTER, DROP, DELETE and INSERT: the holder can change or destroy the audit trail. SUPER_USER on the catalog gives every permission on every resource.',
      fix: 'Grant SELECT and DESCRIBE only.',
    },
    check: {on: 'access', run: broadFindings},
  },
  {
    meta: {
      id: 'LG013',
      name: 'UndeclaredCrossAccountGrant',
      severity: 'high',
      title: 'A cross-account grant is not declared in the policy files',
      help: 'A grant to another account, an organization or an OU exists in Lake Formation but not in `policies/grants/`. It may be left over or made outside review.',
      fix: 'Declare the grant in policies/grants/ with allowBroad, or revoke it (lakegov grants apply --prune).',
    },
    check: {on: 'access', run: crossAccountFindings},
    lakeField: 'database',
  },
  {
    meta: {
      id: 'LG014',
      name: 'SingleDataLakeAdmin',
      severity: 'low',
      title: 'The data lake has fewer than two admins',
      help: 'With one admin, losing that principal locks everyone out of administering grants; with none, nobody can.',
      fix: 'Add a second admin role (admins: in policies/lake.yaml).',
    },
    check: {on: 'access', run: fewAdminFindings},
    lakeField: 'admins',
  },
  {
    meta: {
      id: 'LG015',
      name: 'IamUserDataLakeAdmin',
      severity: 'medium',
      title: 'A data lake admin is an IAM user',
      help: 'IAM users have long-lived credentials. Admins should be roles assumed with short-lived credentials and MFA.',
      fix: 'Replace the IAM user with a role in the data lake admins.',
    },
    check: {on: 'access', run: iamUserAdminFindings},
    lakeField: 'admins',
  },
  {
    meta: {
      id: 'LG016',
      name: 'TrailNotLogging',
      severity: 'high',
      title: 'The CloudTrail trail is not logging',
      help: 'A stopped trail writes no logs: the lake has nothing new to audit.',
      fix: 'Start logging on the trail (aws cloudtrail start-logging).',
    },
    check: {on: 'lake', run: trailLoggingFindings},
  },
  {
    meta: {
      id: 'LG017',
      name: 'TrailNotMultiRegion',
      severity: 'medium',
      title: 'The CloudTrail trail is not multi-region',
      help: 'Activity in other regions is not recorded.',
      fix: 'Make the trail multi-region.',
    },
    check: {on: 'lake', run: trailRegionFindings},
  },
  {
    meta: {
      id: 'LG018',
      name: 'TrailWithoutLogFileValidation',
      severity: 'medium',
      title: 'The CloudTrail trail has log file validation off',
      help: 'Without digest files, deleted or altered log files cannot be detected.',
      fix: 'Enable log file validation on the trail.',
    },
    check: {on: 'lake', run: trailValidationFindings},
  },
  ...ALARM_RULES,
] as const satisfies readonly RuleEntry[]

/** An audit rule's id; only the registry's ids type-check. */
export type RuleId = (typeof AUDIT_RULES)[number]['meta']['id']

/** The registry as plain entries, for lookups by a finding's (string) rule id. */
const ENTRIES: readonly RuleEntry[] = AUDIT_RULES

/** Every rule's description, in id order, for SARIF and the outputs. */
export const RULES: readonly Rule[] = ENTRIES.map((entry) => entry.meta)

const ENTRIES_BY_ID = new Map(ENTRIES.map((entry) => [entry.meta.id, entry]))

/** The rule with this id; an unknown id (only possible from untyped input) is a defect. */
export function ruleById(id: RuleId): Rule {
  const entry = ENTRIES_BY_ID.get(id)
  if (!entry) throw new Error(`Unknown audit rule ${id}`)
  return entry.meta
}

/** A check's report as a finding of its rule: the rule's severity and fix unless the check gave its own. */
function toFinding(meta: Rule, fields: FindingFields): Finding {
  const {location, ...rest} = fields
  return {ruleId: meta.id, severity: fields.severity ?? meta.severity, fix: fields.fix ?? meta.fix, ...rest, ...(location ? {location: {file: location.file, line: location.line}} : {})}
}

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.ruleId, b.ruleId) || compareText(a.resource, b.resource) || compareText(a.principal ?? '', b.principal ?? '')
}

/** The findings of the rules that follow from the state alone (`on: 'access'`), sorted by rule, resource and principal. */
export function findingsFromAccess(state: AuditState, options: FindingsOptions = {}): Finding[] {
  const input: AccessInput = {
    state,
    declared: new Map<string, FindingLocation>((options.declared ?? []).map((grant) => [grantKey(grant), grant.source])),
    declaredPrincipals: options.declaredPrincipals ?? [],
    readers: options.readers ?? findS3Readers(state),
  }
  return ENTRIES.flatMap(({meta, check}) => (check.on === 'access' ? check.run(input).map((fields) => toFinding(meta, fields)) : [])).sort(compareFindings)
}

/** The findings of the infrastructure rules (`on: 'lake'`), sorted by rule, resource and principal. */
export function findingsFromLake(lake: LakeObservation, sources: LakeSources = {}): Finding[] {
  return ENTRIES.flatMap(({meta, check}) => (check.on === 'lake' ? check.run({lake, sources}).map((fields) => toFinding(meta, fields)) : [])).sort(compareFindings)
}

/** The findings of the alarm rules (`on: 'alarms'`, alarm-findings.ts); `trailSource` roots the CIS findings at the trail in lake.yaml. */
export function findingsFromAlarms(observation: AlarmObservation, trailSource?: SourceRef): Finding[] {
  return ENTRIES.flatMap(({meta, check}) => (check.on === 'alarms' ? check.run({observation, trailSource}).map((fields) => toFinding(meta, fields)) : [])).sort(compareFindings)
}

/**
 * Gives findings without a location the lake.yaml line their rule is rooted at (its lakeField: the
 * admins for LG014, the bucket for LG003, ...), so that SARIF viewers show them where a fix would go.
 */
export function locateInLakeFile(findings: readonly Finding[], sources: LakeSources): Finding[] {
  return findings.map((entry) => {
    if (entry.location) return entry
    const field = ENTRIES_BY_ID.get(entry.ruleId)?.lakeField
    const at = field ? sources[field] : undefined
    return at ? {...entry, location: {file: at.file, line: at.line}} : entry
  })
}

/** Findings from every source in one deterministic order: rule, resource, principal. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings)
}
