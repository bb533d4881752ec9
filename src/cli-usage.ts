import {Errors} from '@oclif/core'

import {LakegovError} from './core/errors'
import {ExitCode} from './core/exit-codes'

/** The parts of an oclif flag declaration that option matching reads. */
export interface OptionFlagSpec {
  /** The valid values, when the flag is enumerated. */
  options?: readonly string[]
  /** The single-letter alias, if any. */
  char?: string
}

/**
 * Rewrites enumerated flag values typed in another case (`--fail-on High`) to the declared value
 * (`high`), so that oclif's own `options` check and help stay the one source of valid values.
 * A value that matches no option is left alone, and oclif then rejects it naming the valid ones.
 */
export function canonicalOptionArgv(argv: readonly string[], flags: Readonly<Record<string, OptionFlagSpec>>): string[] {
  const byToken = new Map<string, readonly string[]>()
  for (const [name, flag] of Object.entries(flags)) {
    if (!flag.options) continue
    byToken.set(`--${name}`, flag.options)
    if (flag.char) byToken.set(`-${flag.char}`, flag.options)
  }
  const canonical = (options: readonly string[], value: string) => options.find((option) => option.toLowerCase() === value.toLowerCase()) ?? value
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') {
      out.push(...argv.slice(i))
      break
    }
    const equals = token.indexOf('=')
    const options = byToken.get(equals > 0 ? token.slice(0, equals) : token)
    if (options && equals > 0) out.push(`${token.slice(0, equals + 1)}${canonical(options, token.slice(equals + 1))}`)
    else if (options && i + 1 < argv.length) out.push(token, canonical(options, argv[++i]))
    else out.push(token)
  }
  return out
}

/**
 * Every error oclif's parser throws is a usage error (exit 64): a bad option value, a failed
 * constraint, a missing or extra argument, or a value a flag's own parse function refused.
 * oclif leaves some of them (bad `options` values, custom parse errors of args) at its default code.
 */
export function toUsageError(error: unknown): Error {
  if (error instanceof Errors.ExitError) return error
  if (error instanceof LakegovError) return error
  const oclif = (error as {oclif?: {exit?: number}} | undefined)?.oclif
  if (error instanceof Error && (error instanceof Errors.CLIError || oclif)) {
    ;(error as {oclif: {exit?: number}}).oclif = {...oclif, exit: ExitCode.Usage}
    return error
  }
  const message = error instanceof Error ? error.message : String(error)
  return new LakegovError(message, {exitCode: ExitCode.Usage, code: 'USAGE', cause: error, suggestions: ['See more help with --help.']})
}
