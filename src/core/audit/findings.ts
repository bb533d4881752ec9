/**
 * Audit findings: the finding shape every renderer (text, JSON, SARIF) takes, and the checks of the
 * rules that follow from an AuditState alone (LG001-LG003, LG011-LG015). The rules themselves,
 * with their ids, texts and lake.yaml fields, are the registry in rules.ts; the infrastructure
 * checks (bucket, registration, roles, trail) are in lake-findings.ts.
 */
import {grantKey, type Grant, type Resource} from '../model/grant'
import {IAM_ALLOWED_PRINCIPALS} from '../model/lake'
import {isSamePrincipal, parseIamIdentity} from '../model/principal'
import {accountOfPrincipal} from '../policy/principals'
import {isCrossAccount, type AuditState, type S3Reader} from './access'
import {objectArnPrefix} from '../iam'

/** How bad a finding is. */
export type Severity = 'low' | 'medium' | 'high' | 'critical'

/** The severities from least to most severe. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical']

/** A check the audit runs, as SARIF and the text output describe it. */
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

/** What the grant-side checks read. */
export interface AccessInput {
  /** The account's grants and settings. */
  state: AuditState
  /** Where each declared grant is, by grant key. */
  declared: Map<string, FindingLocation>
  /** The principals the policy files declare. */
  declaredPrincipals: readonly string[]
  /** The S3 readers (findS3Readers). */
  readers: readonly S3Reader[]
}

/** What a check reports: a finding without the rule's id, and with its severity and fix only when they differ from the rule's. */
export type FindingFields = Omit<Finding, 'ruleId' | 'severity' | 'fix'> & Partial<Pick<Finding, 'severity' | 'fix'>>

type Context = AccessInput

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

/** LG001. */
export function defaultPermissionFindings({state}: Context): FindingFields[] {
  const lists = [
    ['CreateDatabaseDefaultPermissions', 'databases', state.settings.createDatabaseDefaultPermissions],
    ['CreateTableDefaultPermissions', 'tables', state.settings.createTableDefaultPermissions],
  ] as const
  return lists
    .filter(([, , entries]) => entries.some((entry) => entry.principal === IAM_ALLOWED_PRINCIPALS))
    .map(([setting, what]) =>
      ({
        title: `New ${what} are handed to IAM_ALLOWED_PRINCIPALS`,
        resource: `data-lake-settings:${setting}`,
        evidence: `${setting} grants ${IAM_ALLOWED_PRINCIPALS} permissions on every new ${what.slice(0, -1)}.`,
      }),
    )
}

/** LG002. */
export function iamAllowedFindings(context: Context): FindingFields[] {
  const {state} = context
  return state.grants
    .filter((grant) => grant.principal === IAM_ALLOWED_PRINCIPALS && grant.resource.type !== 'dataLocation' && grant.resource.type !== 'catalog' && touchesLogs(state, grant.resource))
    .map((grant) =>
      ({
        title: `IAM_ALLOWED_PRINCIPALS holds ${grant.permissions.join(', ')} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: IAM_ALLOWED_PRINCIPALS,
        evidence: `Lake Formation grant ${grantKey(grant)} with ${grant.permissions.join(', ')}.`,
        location: locate(context, grant),
      }),
    )
}

/** LG003. */
export function bypassFindings({state, readers}: Context): FindingFields[] {
  const resource = `${objectArnPrefix(state.logs.bucket, state.logs.prefix)}*`
  return readers
    .filter((reader) => !reader.expected)
    .map((reader) => {
      const anyone = reader.principal === '*'
      const severity = reader.conditional ? 'medium' : anyone ? 'critical' : 'high'
      const statements = reader.evidence.map((match) => `${match.effect} ${match.policy}#${match.sid ?? match.index}${match.conditional ? ' (conditional)' : ''}`).join('; ')
      return ({
        severity,
        title: `${anyone ? 'Anyone' : reader.principal} can read the log objects directly from S3${reader.conditional ? ' (under conditions)' : ''}`,
        resource,
        principal: reader.principal,
        evidence: `s3:GetObject on ${resource} via ${reader.path === 's3-bypass-iam' ? 'IAM policies' : 'the bucket policy'}: ${statements}.${reader.reasons?.length ? ` Undecided: ${reader.reasons.join('; ')}.` : ''}`,
      })
    })
}

/** LG011. */
export function grantableFindings(context: Context): FindingFields[] {
  const {state} = context
  return state.grants
    .filter((grant) => grant.grantable.length > 0 && !isAdmin(state, grant.principal) && touchesLogs(state, grant.resource))
    .map((grant) =>
      ({
        title: `${grant.principal} can grant ${grant.grantable.join(', ')} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `Grant option on ${grant.grantable.join(', ')}.`,
        location: locate(context, grant),
      }),
    )
}

/** LG012. */
export function broadFindings(context: Context): FindingFields[] {
  const {state} = context
  const broad = (grant: Grant) =>
    (isLogTableResource(state, grant.resource) && grant.permissions.includes('ALL')) ||
    (grant.resource.type === 'lfTagPolicy' && grant.resource.resourceType === 'TABLE' && grant.permissions.includes('ALL')) ||
    (grant.resource.type === 'catalog' && grant.permissions.includes('SUPER_USER'))
  return state.grants
    .filter((grant) => grant.principal !== IAM_ALLOWED_PRINCIPALS && !isAdmin(state, grant.principal) && broad(grant))
    .map((grant) => {
      const permission = grant.permissions.includes('SUPER_USER') ? 'SUPER_USER' : 'ALL'
      return ({
        title: `${grant.principal} holds ${permission} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `Lake Formation grant ${grantKey(grant)} with ${grant.permissions.join(', ')}.`,
        location: locate(context, grant),
      })
    })
}

/** LG013. */
export function crossAccountFindings(context: Context): FindingFields[] {
  const {state} = context
  const declared = (grant: Grant) => context.declared.has(grantKey(grant)) || context.declaredPrincipals.some((principal) => principal === grant.principal || isSamePrincipal(principal, grant.principal))
  return state.grants
    .filter((grant) => isCrossAccount(grant.principal, state.account) && touchesLogs(state, grant.resource) && !declared(grant))
    .map((grant) =>
      ({
        title: `Undeclared grant to ${grant.principal} on ${grantKey(grant).split(' ')[1]}`,
        resource: grantKey(grant),
        principal: grant.principal,
        evidence: `${grant.principal} (account ${accountOfPrincipal(grant.principal) ?? 'unknown'}) holds ${grant.permissions.join(', ')}; no policy file declares it.`,
      }),
    )
}

/** LG014. */
export function fewAdminFindings({state}: Context): FindingFields[] {
  const admins = state.settings.admins
  if (admins.length >= 2) return []
  return [
    {
      severity: admins.length === 0 ? 'medium' : 'low',
      title: admins.length === 0 ? 'The data lake has no admin' : 'The data lake has a single admin',
      resource: 'data-lake-settings:DataLakeAdmins',
      evidence: admins.length === 0 ? 'DataLakeAdmins is empty.' : `DataLakeAdmins is [${admins[0]}].`,
    },
  ]
}

/** LG015. */
export function iamUserAdminFindings({state}: Context): FindingFields[] {
  return state.settings.admins
    .filter((candidate) => parseIamIdentity(candidate)?.kind === 'user')
    .map((admin) => ({title: `Data lake admin ${admin} is an IAM user`, resource: 'data-lake-settings:DataLakeAdmins', principal: admin, evidence: `${admin} is an IAM user.`}))
}
