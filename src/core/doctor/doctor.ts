import {LakegovError, internalError} from '../errors'
import {ExitCode, type ExitCodeValue} from '../exit-codes'
import {IAM_ALLOWED_PRINCIPALS, type CallerIdentity, type DataLakeSettings, type RegisteredLocation} from '../model/lake'
import {iamArnOf, isSamePrincipal} from '../model/principal'
import type {IdentityReader, LocationReader, SettingsReader} from '../ports'
import {compareText} from '../order'

/** How a check came out. */
export type CheckStatus = 'ok' | 'warn' | 'fail'

/** One line of the doctor's report. */
export interface DoctorCheck {
  /** A stable id for scripts, for example `lake-admin`. */
  id: string
  /** ok, warn or fail. */
  status: CheckStatus
  /** What was found, in one sentence. */
  detail: string
  /** The one-line fix, for warn and fail. */
  fix?: string
  /** For a failed check: the exit code its failure maps to. */
  exitCode?: ExitCodeValue
}

/** Everything `lakegov doctor` found. */
export interface DoctorReport {
  /** Who the caller is, when STS answered. */
  identity?: CallerIdentity
  /** The region in use. */
  region: string
  /** The endpoint in use, or "AWS" for the real endpoints. */
  endpoint: string
  /** The checks, in the order they ran. */
  checks: DoctorCheck[]
  /** 0 when no check failed; otherwise the exit code of the first failed check. */
  exitCode: ExitCodeValue
}

/** The readers the doctor needs. */
export interface DoctorPorts {
  identity: IdentityReader
  settings: SettingsReader
  locations: LocationReader
}

function failed(id: string, error: unknown): DoctorCheck {
  const known = error instanceof LakegovError ? error : internalError(error)
  return {id, status: 'fail', detail: known.message, fix: known.suggestions[0], exitCode: known.exitCode}
}

/** Whether the caller administers the lake, and what that means for lakegov. */
export function checkAdmin(identity: CallerIdentity, settings: DataLakeSettings): DoctorCheck {
  if (settings.admins.some((admin) => isSamePrincipal(admin, identity.arn))) {
    return {id: 'lake-admin', status: 'ok', detail: 'The caller is a data lake administrator.'}
  }
  if (settings.readOnlyAdmins.some((admin) => isSamePrincipal(admin, identity.arn))) {
    return {
      id: 'lake-admin',
      status: 'warn',
      detail: 'The caller is a read-only administrator: plan and audit work, apply and bootstrap do not.',
      fix: 'Run apply and bootstrap as a data lake administrator.',
    }
  }
  const who = settings.admins.length === 0 ? 'The lake has no data lake administrator' : `The administrators are ${settings.admins.join(', ')}`
  // Lake Formation takes IAM ARNs, not sts assumed-role sessions (an SSO user is one): name the role.
  const iamArn = iamArnOf(identity.arn) ?? identity.arn
  const session = iamArn !== identity.arn && /:assumed-role\//.test(identity.arn)
  const role = iamArn.split('/').pop()
  return {
    id: 'lake-admin',
    status: 'fail',
    detail: `The caller is not a data lake administrator, so Lake Formation hides grants from it. ${who}.`,
    fix: session
      ? `Add the role ${iamArn} (not the session ${identity.arn}) to the data lake administrators (admins: in policies/lake.yaml, then lakegov bootstrap); if the role has a path, as SSO roles do (/aws-reserved/sso.amazonaws.com/), use the ARN \`aws iam get-role --role-name ${role}\` prints.`
      : `Add ${iamArn} to the data lake administrators (admins: in policies/lake.yaml, then lakegov bootstrap).`,
    exitCode: ExitCode.AwsAccess,
  }
}

/** Whether new databases and tables are still governed by IAM rather than Lake Formation. */
export function checkDefaults(settings: DataLakeSettings): DoctorCheck {
  const defaults = [
    ['databases', settings.createDatabaseDefaultPermissions],
    ['tables', settings.createTableDefaultPermissions],
  ] as const
  const handedToIam = defaults
    .filter(([, entries]) => entries.some((entry) => entry.principal === IAM_ALLOWED_PRINCIPALS))
    .map(([what]) => what)
  if (handedToIam.length === 0) {
    return {id: 'iam-defaults', status: 'ok', detail: 'New databases and tables are governed by Lake Formation.'}
  }
  return {
    id: 'iam-defaults',
    status: 'warn',
    detail: `New ${handedToIam.join(' and ')} grant ALL to IAM_ALLOWED_PRINCIPALS, so IAM, not Lake Formation, decides who reads them.`,
    fix: 'Run lakegov bootstrap: it sets both default permissions to [] and revokes IAM_ALLOWED_PRINCIPALS on the log database.',
  }
}

/** One check per registered location, from its VerificationStatus. */
export function checkLocations(locations: RegisteredLocation[]): DoctorCheck[] {
  if (locations.length === 0) {
    return [
      {
        id: 'locations',
        status: 'warn',
        detail: 'No S3 location is registered with Lake Formation, so it governs no log data.',
        fix: 'Run lakegov bootstrap to register the log bucket.',
      },
    ]
  }
  return [...locations]
    .sort((a, b) => compareText(a.resourceArn, b.resourceArn))
    .map((location): DoctorCheck => {
      const id = `location:${location.resourceArn}`
      const role = location.roleArn ? ` through ${location.roleArn}` : ''
      switch (location.verificationStatus) {
        case 'VERIFIED': {
          return {id, status: 'ok', detail: `${location.resourceArn} is registered${role} and verified.`}
        }
        case 'NOT_VERIFIED': {
          return {
            id,
            status: 'fail',
            detail: `${location.resourceArn} is registered${role}, but the role cannot reach it (NOT_VERIFIED).`,
            fix: 'Give the registration role s3:ListBucket, GetObject, PutObject and DeleteObject on the location (lakegov bootstrap does).',
            exitCode: ExitCode.AwsAccess,
          }
        }
        default: {
          return {
            id,
            status: 'warn',
            detail: `${location.resourceArn} is registered${role}, but Lake Formation could not verify access (${location.verificationStatus ?? 'no status'}).`,
            fix: 'Check that the bucket exists and that the registration role trusts lakeformation.amazonaws.com.',
          }
        }
      }
    })
}

/**
 * Runs the doctor's checks. Each reader's failure becomes a failed check rather than an exception,
 * so the report always says how far it got. Nothing is changed in AWS.
 */
export async function runDoctor(ports: DoctorPorts, target: {region: string; endpoint: string}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = []
  let identity: CallerIdentity | undefined
  try {
    identity = await ports.identity.getCallerIdentity()
    checks.push({id: 'identity', status: 'ok', detail: `Calling as ${identity.arn} in account ${identity.account}, region ${target.region}, endpoint ${target.endpoint}.`})
  } catch (error) {
    checks.push(failed('identity', error))
  }

  if (identity) {
    try {
      const settings = await ports.settings.getDataLakeSettings()
      checks.push(checkAdmin(identity, settings), checkDefaults(settings))
    } catch (error) {
      checks.push(failed('lake-settings', error))
    }

    try {
      checks.push(...checkLocations(await ports.locations.listRegisteredLocations()))
    } catch (error) {
      checks.push(failed('locations', error))
    }
  }

  const firstFailure = checks.find((check) => check.status === 'fail')
  return {identity, ...target, checks, exitCode: firstFailure ? (firstFailure.exitCode ?? ExitCode.Internal) : ExitCode.Ok}
}
