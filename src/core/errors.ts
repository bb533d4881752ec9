import {ExitCode, type ExitCodeValue} from './exit-codes'

/**
 * An error lakegov expects and explains: it carries the exit code for the process and the
 * suggestions that tell the user what to do next.
 */
export class LakegovError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: ExitCodeValue
  /** One-line fixes, shown under the message. */
  readonly suggestions: string[]
  /** A stable machine-readable code for `--json` consumers, for example `AWS_ACCESS_DENIED`. */
  readonly code: string

  constructor(message: string, options: {exitCode: ExitCodeValue; code: string; suggestions?: string[]; cause?: unknown}) {
    super(message, {cause: options.cause})
    this.name = 'LakegovError'
    this.exitCode = options.exitCode
    this.code = options.code
    this.suggestions = options.suggestions ?? []
  }
}

/** A defect in lakegov itself; the message asks for a bug report. */
export function internalError(cause: unknown): LakegovError {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  return new LakegovError(`Unexpected error: ${detail}`, {
    exitCode: ExitCode.Internal,
    code: 'INTERNAL',
    cause,
    suggestions: ['This is a bug in lakegov. Run again with DEBUG=lakegov* and report it with the output.'],
  })
}
