/**
 * Where Athena runs and writes: the workgroup and the result location, from the flags (or their
 * environment variables), else lake.yaml's `athena` section, else the `primary` workgroup and the
 * workgroup's own result location. Values are checked before any call, with the flag named.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'

/** Athena's `primary` workgroup, which every account has. */
export const DEFAULT_WORKGROUP = 'primary'

/** A workgroup name: 1 to 128 letters, digits, ".", "_" and "-" (Athena API reference, StartQueryExecution, WorkGroup pattern `[a-zA-Z0-9._-]{1,128}`). */
export const WORKGROUP_PATTERN = '^[a-zA-Z0-9._-]{1,128}$'

/** An s3:// result location: a bucket name, then an optional key prefix (Athena API reference, ResultConfiguration.OutputLocation). */
export const OUTPUT_LOCATION_PATTERN = '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$'

/** The workgroup and result location a run uses. */
export interface AthenaSettings {
  /** The workgroup. */
  workGroup: string
  /** The result location; undefined leaves it to the workgroup. */
  outputLocation?: string
}

function usage(message: string, suggestion: string): LakegovError {
  return new LakegovError(message, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: [suggestion]})
}

/** Checks --workgroup; a bad one is a usage error (exit 64) naming the flag and its variable. */
export function checkWorkgroup(value: string): string {
  if (!new RegExp(WORKGROUP_PATTERN).test(value)) {
    throw usage(`--workgroup ${JSON.stringify(value)} (or LAKEGOV_ATHENA_WORKGROUP) is not a workgroup name: 1 to 128 letters, digits, ".", "_" and "-".`, 'Pass --workgroup primary, or the name of a workgroup that exists.')
  }
  return value
}

/** Checks --output-location; a bad one is a usage error (exit 64) naming the flag and its variable. */
export function checkOutputLocation(value: string): string {
  if (!new RegExp(OUTPUT_LOCATION_PATTERN).test(value)) {
    throw usage(`--output-location ${JSON.stringify(value)} (or LAKEGOV_ATHENA_OUTPUT_LOCATION) is not an s3:// location.`, 'Pass --output-location s3://BUCKET/PREFIX/, or set athena.outputLocation in lake.yaml.')
  }
  return value
}

/** The settings in force: the flags first (checked), then lake.yaml's (checked by its schema), then the defaults. */
export function resolveAthenaSettings(flags: {workGroup?: string; outputLocation?: string}, lake: {workgroup?: string; outputLocation?: string} | undefined): AthenaSettings {
  const workGroup = flags.workGroup === undefined ? (lake?.workgroup ?? DEFAULT_WORKGROUP) : checkWorkgroup(flags.workGroup)
  const outputLocation = flags.outputLocation === undefined ? lake?.outputLocation : checkOutputLocation(flags.outputLocation)
  return {workGroup, ...(outputLocation === undefined ? {} : {outputLocation})}
}
