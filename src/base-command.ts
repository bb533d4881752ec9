import {format} from 'node:util'

import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import {AwsClients, type AwsContext} from './aws/clients'
import {toLakegovError} from './aws/errors'
import {canonicalOptionArgv, toUsageError, type OptionFlagSpec} from './cli-usage'
import {LakegovError, internalError} from './core/errors'
import {checkRegionAgrees} from './core/lake/config'
import {readLakeRegion} from './io/lake-region'
import type {ExitCodeValue} from './core/exit-codes'
import {PolicyInvalidError} from './core/policy/errors'
import {escapeTerminal, stringifyJson} from './output/escape'
import {renderPolicyIssues} from './output/policy-issues'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** The flag that points a command at the policy directory; commands that read policies add it. */
export const policiesFlag = Flags.directory({
  description: 'Directory that holds lake.yaml and grants/*.yaml.',
  default: 'policies',
  env: 'LAKEGOV_POLICIES',
})

/**
 * Shared flags, AWS clients and error mapping for every lakegov command. Subclasses parse nothing
 * themselves: `this.flags` is ready when `run()` starts.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static enableJsonFlag = true

  /** False for commands that make no AWS call (grants validate): they do not check --profile. */
  static usesAws = true

  static baseFlags = {
    profile: Flags.string({description: 'AWS named profile (default: AWS_PROFILE, then the default credential chain).', helpGroup: 'AWS'}),
    region: Flags.string({description: 'AWS region (default: AWS_REGION, then the profile).', helpGroup: 'AWS'}),
    'endpoint-url': Flags.url({
      description: 'Send every AWS call to this endpoint (default: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL).',
      helpGroup: 'AWS',
    }),
    'max-attempts': Flags.integer({description: 'Attempts per AWS call, retries included (adaptive backoff).', default: 5, min: 1, helpGroup: 'AWS'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  private awsClients?: AwsClients

  override async init(): Promise<void> {
    await super.init()
    const baseFlags = (super.ctor as typeof BaseCommand).baseFlags
    const argv = canonicalOptionArgv(this.argv, {...baseFlags, ...this.ctor.flags} as Record<string, OptionFlagSpec>)
    const {flags, args} = await this.parse({flags: this.ctor.flags, baseFlags, enableJsonFlag: this.ctor.enableJsonFlag, args: this.ctor.args, strict: this.ctor.strict}, argv).catch(
      (error: unknown) => {
        throw toUsageError(error)
      },
    )
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    // lake.yaml's region is the default region of every command, as it is bootstrap's; a --region
    // that contradicts it is a usage error (exit 64) naming both.
    const policiesDir = (flags as {policies?: string}).policies ?? process.env.LAKEGOV_POLICIES ?? 'policies'
    const lake = await readLakeRegion(policiesDir)
    if (lake) {
      checkRegionAgrees(this.regionFlag(), lake.region, lake.where)
      this.lakeRegion = lake.region
    }
    if ((this.ctor as typeof BaseCommand).usesAws) await this.checkProfile()
  }

  /** A named profile that does not exist is reported before any AWS call, with the profiles that do. */
  private async checkProfile(): Promise<void> {
    const name = this.flags.profile ?? process.env.AWS_PROFILE
    if (!name) return
    const {checkProfileExists} = await import('./aws/profiles')
    await checkProfileExists(name, this.flags.profile ? '--profile' : 'AWS_PROFILE')
  }

  /** The region lake.yaml names, when there is one: the default for this command. */
  protected lakeRegion?: string

  /** The AWS clients for this run, built from the shared flags. */
  protected get aws(): AwsClients {
    this.awsClients ??= new AwsClients(this.awsContext())
    return this.awsClients
  }

  /** The AWS region the flags ask for; a command whose --region means something else says none. */
  protected regionFlag(): string | undefined {
    return this.flags.region
  }

  protected awsContext(): AwsContext {
    return {
      region: this.regionFlag() ?? this.lakeRegion,
      profile: this.flags.profile,
      endpointUrl: this.flags['endpoint-url']?.toString().replace(/\/$/, ''),
      maxAttempts: this.flags['max-attempts'],
      version: this.config.version,
    }
  }

  /** Progress and warnings: always on stderr, with --json too (stdout then carries only the JSON). */
  protected progress(line: string): void {
    process.stderr.write(`${escapeTerminal(line)}\n`)
  }

  // Everything lakegov prints goes through escapeTerminal (src/output/escape.ts): a name or value
  // read from AWS or a policy file cannot drive the terminal even where a renderer forgot it.
  override log(message = '', ...args: unknown[]): void {
    super.log(escapeTerminal(args.length > 0 ? format(message, ...args) : message, {multiline: true}))
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(escapeTerminal(args.length > 0 ? format(message, ...args) : message, {multiline: true}))
  }

  /** --json output: exact data, with the characters a terminal acts on written as \uNNNN escapes. */
  override logJson(json: unknown): void {
    process.stdout.write(`${stringifyJson(json)}\n`)
  }

  /** Ends the command with an exit code while keeping its result: `--json` still prints it. */
  protected setExitCode(code: number): void {
    process.exitCode = code
  }

  override async catch(error: Error): Promise<unknown> {
    const known = this.toKnownError(error)
    if (!known) {
      // oclif's own errors (bad flags) may echo what was typed.
      if (typeof error.message === 'string') error.message = escapeTerminal(error.message, {multiline: true})
      throw error
    }
    process.exitCode = known.exitCode
    const issues = known instanceof PolicyInvalidError ? known.issues : undefined
    if (this.jsonEnabled()) {
      this.logJson({error: {code: known.code, message: known.message, suggestions: known.suggestions, exitCode: known.exitCode, ...(issues ? {issues} : {})}})
      return
    }
    if (issues) this.logToStderr(renderPolicyIssues(issues))
    throw new Errors.CLIError(escapeTerminal(known.message, {multiline: true}), {
      exit: known.exitCode,
      suggestions: known.suggestions.map((suggestion) => escapeTerminal(suggestion, {multiline: true})),
    })
  }

  /**
   * Maps an error to a LakegovError. Returns undefined for oclif's own errors (usage errors, exits)
   * outside --json, which oclif already prints well and whose exit codes package.json remaps.
   */
  private toKnownError(error: Error): LakegovError | undefined {
    if (error instanceof LakegovError) return error
    if (error instanceof Errors.ExitError) return undefined
    const oclifExit = (error as {oclif?: {exit?: number}}).oclif?.exit
    if (oclifExit !== undefined) {
      return this.jsonEnabled() ? new LakegovError(error.message, {exitCode: oclifExit as ExitCodeValue, code: 'USAGE'}) : undefined
    }
    if (isSdkError(error)) return toLakegovError(error)
    return internalError(error)
  }
}

/** Errors that come from the AWS SDK: service errors carry $metadata; credential and region errors have known names. */
function isSdkError(error: Error): boolean {
  return '$metadata' in error || error.name === 'CredentialsProviderError' || /region is missing/i.test(error.message)
}
