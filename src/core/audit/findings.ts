/**
 * Audit findings: the rule catalog, the finding shape every renderer (text, JSON, SARIF) takes, and
 * the rules that follow from an AuditState alone.
 *
 * Computed here by findingsFromAccess: LG001, LG002, LG003, LG011, LG012, LG013, LG014, LG015.
 * Computed elsewhere, from bucket, registration and trail state the AuditState does not carry:
 * LG004-LG007 (bucket hardening), LG008-LG009 (registration), LG010 (role broader than its prefix,
 * with findScopeViolations from iam-policy.ts) and LG016-LG018 (CloudTrail).
 */
import {grantKey, type Grant, type Resource} from '../model/grant'
import {IAM_ALLOWED_PRINCIPALS} from '../model/lake'
import {isSamePrincipal, parseIamIdentity} from '../model/principal'
import {accountOfPrincipal} from '../policy/principals'
import {findS3Readers, isCrossAccount, type AuditState, type S3Reader} from './access'
import {objectArnPrefix} from '../iam'
import {compareText} from '../order'
import {ALARM_RULES} from './alarm-findings'

/** How bad a finding is. */
export type Severity = 'low' | 'medium' | 'high' | 'critical'

/** The severities from least to most severe. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical']

/** A check the audit runs. */
export interface Rule {
  /** The stable id, LG001 and up; never reused. */
  id: string
  /** A PascalCase name, as SARIF's reportingDescriptor.name wants it. */
  name: string
  /** The default severity of its findings. */
  severity: Severity
  /** One line saying what is wrong. */
  title: string
  /** Markdown: why it matters and how it is detected. */
  help: string
  /** How to fix it, in one or two sentences. */
  fix: string
}

/** Where in the policy files a finding is rooted. */
export interface FindingLocation {
  /** The file, relative to the repository root, with forward slashes. */
  file: string
  /** The 1-based line. */
  line: number
}

/** One problem the audit found. */
export interface Finding {
  /** The rule's id. */
  ruleId: string
  /** The severity; the rule's default unless the evidence makes it worse or milder. */
  severity: Severity
  /** One line, specific to this finding. */
  title: string
  /** The resource at fault: an ARN, a grant key, or a settings name. */
  resource: string
  /** The principal involved, when there is one; part of the finding's identity. */
  principal?: string
  /** What was observed. */
  evidence: string
  /** How to fix this one. */
  fix: string
  /** Where the cause is declared in the policy files, when it is. */
  location?: FindingLocation
}

function rule(id: string, name: string, severity: Severity, title: string, help: string, fix: string): Rule {
  return {id, name, severity, title, help, fix}
}

/** Every rule, by id. Ids are stable: SARIF consumers and --fail-on baselines key on them. */
export const RULES: readonly Rule[] = [
  rule(
    'LG001',
    'DefaultPermissionsHandToIam',
    'high',
    'Default permissions hand new databases or tables to IAM',
    'CreateDatabaseDefaultPermissions or CreateTableDefaultPermissions grants ALL to `IAM_ALLOWED_PRINCIPALS`, so every new database or table is readable by any identity whose IAM policy allows it. Lake Formation does not govern them.',
    'Set both default permissions to [] (lakegov bootstrap does this), then revoke IAM_ALLOWED_PRINCIPALS from existing log databases and tables.',
  ),
  rule(
    'LG002',
    'IamAllowedPrincipalsOnLogs',
    'high',
    'IAM_ALLOWED_PRINCIPALS holds permissions on the log database or tables',
    'A grant to `IAM_ALLOWED_PRINCIPALS` means IAM policies, not Lake Formation, decide who reads the data. Column, row and tag-based controls are bypassed, and fine-grained grants on the same table silently widen to all columns.',
    'Revoke the IAM_ALLOWED_PRINCIPALS grant and grant the intended principals explicitly.',
  ),
  rule(
    'LG003',
    'S3BypassReader',
    'high',
    'A principal can read the log objects directly from S3',
    'The principal can call `s3:GetObject` on the log prefix through the bucket policy or its IAM policies, so it reads every column and row past Lake Formation. Expected readers (the registration role) are excluded. Access under conditions lakegov cannot evaluate is reported at medium severity.',
    'Remove s3:GetObject on the log prefix from the principal, or deny it in the bucket policy; read the logs through Lake Formation grants instead.',
  ),
  rule(
    'LG004',
    'BucketPublicAccessNotBlocked',
    'high',
    'The log bucket does not block public access',
    'Without all four S3 Block Public Access settings, a policy or ACL change can expose the logs to the internet.',
    'Enable BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets on the bucket.',
  ),
  rule('LG005', 'BucketNotEncrypted', 'medium', 'The log bucket has no default encryption', 'Objects written without encryption headers are stored unencrypted.', 'Set default encryption on the bucket (SSE-KMS with a customer key for audit logs).'),
  rule(
    'LG006',
    'BucketAllowsInsecureTransport',
    'medium',
    'The log bucket policy does not require TLS',
    'Without a Deny on `aws:SecureTransport = false`, the logs can be read and written over plain HTTP.',
    'Add a bucket policy statement denying s3:* when aws:SecureTransport is false.',
  ),
  rule('LG007', 'BucketVersioningOff', 'low', 'The log bucket has versioning off', 'Without versioning, a deleted or overwritten log file is gone, and tampering leaves no trace.', 'Enable versioning on the bucket.'),
  rule(
    'LG008',
    'LocationNotRegistered',
    'high',
    'The log location is not registered with Lake Formation',
    'An unregistered S3 location is not governed by Lake Formation: grants on its tables do not control access to the data.',
    'Register the log prefix with Lake Formation (lakegov bootstrap).',
  ),
  rule(
    'LG009',
    'LocationVerificationFailed',
    'high',
    'The registered location failed verification',
    'Lake Formation reports the registration role cannot reach the location (`VerificationStatus` is not VERIFIED), so queries through Lake Formation fail.',
    'Fix the registration role so it can read the prefix (and decrypt with the bucket key), then re-register.',
  ),
  rule(
    'LG010',
    'RoleBroaderThanPrefix',
    'medium',
    'A registration or crawler role reaches beyond its prefix',
    'The role that Lake Formation or the crawler uses has S3 permissions on `*`, on other buckets, or on keys outside the log prefix. Anyone who can use the role reaches that data too.',
    'Scope the role policy to arn:aws:s3:::BUCKET/PREFIX/* and s3:ListBucket on the bucket with an s3:prefix condition.',
  ),
  rule(
    'LG011',
    'GrantableOutsideAdmins',
    'medium',
    'A principal other than the data lake admins holds grantable permissions',
    'A grant option lets the holder extend access to anyone, outside the reviewed policy files.',
    'Revoke the grant option, or make the principal a data lake admin if it should administer the lake.',
  ),
  rule(
    'LG012',
    'BroadPermissionOnLogTables',
    'medium',
    'ALL or SUPER_USER is granted on log tables',
    'ALL includes ALTER, DROP, DELETE and INSERT: the holder can change or destroy the audit trail. SUPER_USER on the catalog gives every permission on every resource.',
    'Grant SELECT and DESCRIBE only.',
  ),
  rule(
    'LG013',
    'UndeclaredCrossAccountGrant',
    'high',
    'A cross-account grant is not declared in the policy files',
    'A grant to another account, an organization or an OU exists in Lake Formation but not in `policies/grants/`. It may be left over or made outside review.',
    'Declare the grant in policies/grants/ with allowBroad, or revoke it (lakegov grants apply --prune).',
  ),
  rule(
    'LG014',
    'SingleDataLakeAdmin',
    'low',
    'The data lake has fewer than two admins',
    'With one admin, losing that principal locks everyone out of administering grants; with none, nobody can.',
    'Add a second admin role (admins: in policies/lake.yaml).',
  ),
  rule(
    'LG015',
    'IamUserDataLakeAdmin',
    'medium',
    'A data lake admin is an IAM user',
    'IAM users have long-lived credentials. Admins should be roles assumed with short-lived credentials and MFA.',
    'Replace the IAM user with a role in the data lake admins.',
  ),
  rule(
    'LG016',
    'TrailNotLogging',
    'high',
    'The CloudTrail trail is not logging',
    'A stopped trail writes no logs: the lake has nothing new to audit.',
    'Start logging on the trail (aws cloudtrail start-logging).',
  ),
  rule('LG017', 'TrailNotMultiRegion', 'medium', 'The CloudTrail trail is not multi-region', 'Activity in other regions is not recorded.', 'Make the trail multi-region.'),
  rule(
    'LG018',
    'TrailWithoutLogFileValidation',
    'medium',
    'The CloudTrail trail has log file validation off',
    'Without digest files, deleted or altered log files cannot be detected.',
    'Enable log file validation on the trail.',
  ),
  ...ALARM_RULES,
]

const RULES_BY_ID = new Map(RULES.map((entry) => [entry.id, entry]))

/** The rule with this id; throws for an unknown id, which is a defect. */
export function ruleById(id: string): Rule {
  const found = RULES_BY_ID.get(id)
  if (!found) throw new Error(`Unknown audit rule ${id}`)
  return found
}

/** Whether a severity is at or above the --fail-on threshold. */
export function meetsThreshold(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(failOn)
}

/** A grant the policy files declare, with where. */
export interface DeclaredGrant {
  /** The principal's identifier. */
  principal: string
  /** The resource, canonical. */
  resource: Resource
  /** Where it is declared. */
  source: FindingLocation
}

/** What findingsFromAccess needs beyond the state. */
export interface FindingsOptions {
  /** The grants the policy files declare; they locate findings and make cross-account grants declared. */
  declared?: readonly DeclaredGrant[]
  /** Principals the policy files declare; any grant to one of them counts as declared. */
  declaredPrincipals?: readonly string[]
  /** The S3 readers, when already computed (findS3Readers); computed from the state otherwise. */
  readers?: readonly S3Reader[]
}

interface Context {
  state: AuditState
  declared: Map<string, FindingLocation>
  declaredPrincipals: readonly string[]
}

function finding(ruleId: string, fields: Omit<Finding, 'ruleId' | 'severity' | 'fix'> & Partial<Pick<Finding, 'severity' | 'fix'>>): Finding {
  const source = ruleById(ruleId)
  return {ruleId, severity: fields.severity ?? source.severity, fix: fields.fix ?? source.fix, ...fields}
}

function isAdmin(state: AuditState, principal: string): boolean {
  return state.settings.admins.some((admin) => isSamePrincipal(admin, principal))
}

/** Whether a grant's resource is the log data or what governs it. */
function touchesLogs(state: AuditState, resource: Resource): boolean {
  switch (resource.type) {
    case 'catalog':
    case 'lfTag':
    case 'lfTagPolicy': {
      return true
    }
    case 'dataLocation': {
      const logs = objectArnPrefix(state.logs.bucket, state.logs.prefix)
      const path = `${resource.path}/`
      return logs.startsWith(path) || path.startsWith(logs)
    }
    default: {
      return state.databases.includes(resource.database)
    }
  }
}

function isLogTableResource(state: AuditState, resource: Resource): boolean {
  return (resource.type === 'table' || resource.type === 'tableWildcard' || resource.type === 'columns') && state.databases.includes(resource.database)
}

function locate(context: Context, grant: Grant): FindingLocation | undefined {
  return context.declared.get(grantKey(grant))
}

function defaultPermissionFindings({state}: Context): Finding[] {
  const lists = [
    ['CreateDatabaseDefaultPermissions', 'databases', state.settings.createDatabaseDefaultPermissions],
    ['CreateTableDefaultPermissions', 'tables', state.settings.createTableDefaultPermissions],
  ] as const
  return lists
    .filter(([, , entries]) => entries.some((entry) => entry.principal === IAM_ALLOWED_PRINCIPALS))
    .map(([setting, what]) =>
      finding('LG001', {
        title: `New ${what} are handed to IAM_ALLOWED_PRINCIPALS`,
        resource: `data-lake-settings:${setting}`,
        evidence: `${setting} grants ${IAM_ALLOWED_PRINCIPALS} permissions on every new ${what.slice(0, -1)}.`,
      }),
    )
}

function iamAllowedFindings(context: Context): Finding[] {
  const {state} = context
  return state.grants
    .filter((grant) => grant.principal === IAM_ALLOWED_PRINCIPALS && grant.resource.type !== 'dataLocation' && grant.resource.type !== 'catalog' && touchesLogs(state, grant.resource))
    .map((grant) =>
      finding('LG002', {
        title: `IAM_ALLOWED_PRINCIPALS holds ${grant.permissions.join(', ')} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: IAM_ALLOWED_PRINCIPALS,
        evidence: `Lake Formation grant ${grantKey(grant)} with ${grant.permissions.join(', ')}.`,
        location: locate(context, grant),
      }),
    )
}

function bypassFindings(state: AuditState, readers: readonly S3Reader[]): Finding[] {
  const resource = `${objectArnPrefix(state.logs.bucket, state.logs.prefix)}*`
  return readers
    .filter((reader) => !reader.expected)
    .map((reader) => {
      const anyone = reader.principal === '*'
      const severity = reader.conditional ? 'medium' : anyone ? 'critical' : 'high'
      const statements = reader.evidence.map((match) => `${match.effect} ${match.policy}#${match.sid ?? match.index}${match.conditional ? ' (conditional)' : ''}`).join('; ')
      return finding('LG003', {
        severity,
        title: `${anyone ? 'Anyone' : reader.principal} can read the log objects directly from S3${reader.conditional ? ' (under conditions)' : ''}`,
        resource,
        principal: reader.principal,
        evidence: `s3:GetObject on ${resource} via ${reader.path === 's3-bypass-iam' ? 'IAM policies' : 'the bucket policy'}: ${statements}.${reader.reasons?.length ? ` Undecided: ${reader.reasons.join('; ')}.` : ''}`,
      })
    })
}

function grantableFindings(context: Context): Finding[] {
  const {state} = context
  return state.grants
    .filter((grant) => grant.grantable.length > 0 && !isAdmin(state, grant.principal) && touchesLogs(state, grant.resource))
    .map((grant) =>
      finding('LG011', {
        title: `${grant.principal} can grant ${grant.grantable.join(', ')} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `Grant option on ${grant.grantable.join(', ')}.`,
        location: locate(context, grant),
      }),
    )
}

function broadFindings(context: Context): Finding[] {
  const {state} = context
  const broad = (grant: Grant) =>
    (isLogTableResource(state, grant.resource) && grant.permissions.includes('ALL')) ||
    (grant.resource.type === 'lfTagPolicy' && grant.resource.resourceType === 'TABLE' && grant.permissions.includes('ALL')) ||
    (grant.resource.type === 'catalog' && grant.permissions.includes('SUPER_USER'))
  return state.grants
    .filter((grant) => grant.principal !== IAM_ALLOWED_PRINCIPALS && !isAdmin(state, grant.principal) && broad(grant))
    .map((grant) => {
      const permission = grant.permissions.includes('SUPER_USER') ? 'SUPER_USER' : 'ALL'
      return finding('LG012', {
        title: `${grant.principal} holds ${permission} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `Lake Formation grant ${grantKey(grant)} with ${grant.permissions.join(', ')}.`,
        location: locate(context, grant),
      })
    })
}

function crossAccountFindings(context: Context): Finding[] {
  const {state} = context
  const declared = (grant: Grant) => context.declared.has(grantKey(grant)) || context.declaredPrincipals.some((principal) => principal === grant.principal || isSamePrincipal(principal, grant.principal))
  return state.grants
    .filter((grant) => isCrossAccount(grant.principal, state.account) && touchesLogs(state, grant.resource) && !declared(grant))
    .map((grant) =>
      finding('LG013', {
        title: `Undeclared grant to ${grant.principal} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `${grant.principal} (account ${accountOfPrincipal(grant.principal) ?? 'unknown'}) holds ${grant.permissions.join(', ')}; no policy file declares it.`,
      }),
    )
}

function adminFindings({state}: Context): Finding[] {
  const admins = state.settings.admins
  const findings: Finding[] = []
  if (admins.length < 2) {
    findings.push(
      finding('LG014', {
        severity: admins.length === 0 ? 'medium' : 'low',
        title: admins.length === 0 ? 'The data lake has no admin' : 'The data lake has a single admin',
        resource: 'data-lake-settings:DataLakeAdmins',
        evidence: admins.length === 0 ? 'DataLakeAdmins is empty.' : `DataLakeAdmins is [${admins[0]}].`,
      }),
    )
  }
  for (const admin of admins.filter((candidate) => parseIamIdentity(candidate)?.kind === 'user')) {
    findings.push(
      finding('LG015', {
        title: `Data lake admin ${admin} is an IAM user`,
        resource: 'data-lake-settings:DataLakeAdmins',
        principal: admin,
        evidence: `${admin} is an IAM user.`,
      }),
    )
  }
  return findings
}

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.ruleId, b.ruleId) || compareText(a.resource, b.resource) || compareText(a.principal ?? '', b.principal ?? '')
}

/**
 * The findings that follow from the state alone (see the module comment for which), sorted by
 * rule, resource and principal.
 */
export function findingsFromAccess(state: AuditState, options: FindingsOptions = {}): Finding[] {
  const context: Context = {
    state,
    declared: new Map((options.declared ?? []).map((grant) => [grantKey(grant), grant.source])),
    declaredPrincipals: options.declaredPrincipals ?? [],
  }
  return [
    ...defaultPermissionFindings(context),
    ...iamAllowedFindings(context),
    ...bypassFindings(state, options.readers ?? findS3Readers(state)),
    ...grantableFindings(context),
    ...broadFindings(context),
    ...crossAccountFindings(context),
    ...adminFindings(context),
  ].sort(compareFindings)
}
