/**
 * The process exit codes lakegov promises to scripts and CI. They are data so that `--help`, the
 * README and a test can all be checked against one table.
 */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Changes: 2,
  InvalidPolicy: 3,
  AwsAccess: 4,
  StalePlan: 5,
  ApplyFailed: 6,
  Findings: 7,
  Usage: 64,
  Interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** One line per exit code, in the order shown in `--help` and the README. */
export const EXIT_CODE_DESCRIPTIONS: ReadonlyArray<readonly [ExitCodeValue, string]> = [
  [ExitCode.Ok, 'success; with --detailed-exitcode, no changes'],
  [ExitCode.Internal, 'internal error (please report it), or AWS could not be reached'],
  [ExitCode.Changes, '--detailed-exitcode: changes or drift present'],
  [ExitCode.InvalidPolicy, 'invalid policy files; every problem is listed with file, line and field'],
  [ExitCode.AwsAccess, 'AWS credentials or permission problem (names the missing action when known)'],
  [ExitCode.StalePlan, 'a saved plan is stale, or was made for another account or region'],
  [ExitCode.ApplyFailed, 'apply partly failed; what succeeded and what failed are both reported'],
  [ExitCode.Findings, 'audit findings at or above --fail-on'],
  [ExitCode.Usage, 'usage error (bad flags or arguments)'],
  [ExitCode.Interrupted, 'interrupted with Ctrl-C (crawl --wait: the crawler keeps running)'],
]

/** The exit code table as help text, for a command's `description`. */
export function describeExitCodes(): string {
  return ['EXIT CODES', ...EXIT_CODE_DESCRIPTIONS.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`)].join('\n')
}
