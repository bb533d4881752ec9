import {Command, Flags} from '@oclif/core'
import os from 'node:os'

import {BaseCommand, policiesFlag} from './base-command'
import {checkOutputLocation, checkWorkgroup} from './core/activity/athena-settings'
import {ENGINE_CHOICES, buildActivityQuery, parseSize, type ActivityQuery} from './core/activity/query'
import {LakegovError} from './core/errors'
import {ExitCode} from './core/exit-codes'
import {DEFAULT_CACHE_MAX_BYTES} from './io/activity-cache'
import type {ActivityAsk} from './engines/types'
import {DEFAULT_ACTIVITY_TABLE, runActivity, type ActivityRun} from './workflows/activity'

/** The filters and engine flags `activity events` and `activity summary` share. */
export const activityFlags = {
  policies: policiesFlag,
  since: Flags.string({description: 'How far back: a duration (30d, 12h, 90m, 2w) or a date (2026-12-01). Default: the last 24 hours.', helpGroup: 'WINDOW'}),
  from: Flags.string({description: 'Start of the window, ISO 8601 (UTC unless it says otherwise).', helpGroup: 'WINDOW'}),
  to: Flags.string({description: 'End of the window, ISO 8601 (default: now).', helpGroup: 'WINDOW'}),
  principal: Flags.string({description: 'A role or user name, or an ARN; a role matches all its sessions.', helpGroup: 'FILTERS'}),
  'event-source': Flags.string({description: 'The service: iam.amazonaws.com, or iam.', helpGroup: 'FILTERS'}),
  'event-name': Flags.string({description: 'The API call, such as AssumeRole.', helpGroup: 'FILTERS'}),
  region: Flags.string({description: 'Regions to read, R,R or all (lookup: the enabled regions; local and athena: every region the logs hold).', default: 'all', helpGroup: 'FILTERS'}),
  errors: Flags.boolean({description: 'Only calls that failed (with an errorCode).', helpGroup: 'FILTERS'}),
  'read-only': Flags.option({options: ['true', 'false'] as const, description: 'Only read-only (true) or only mutating (false) calls.', helpGroup: 'FILTERS'})(),
  engine: Flags.option({options: ENGINE_CHOICES, default: 'auto' as const, description: 'Which engine answers: auto, lookup (CloudTrail LookupEvents), local (DuckDB over the lake\'s objects), athena.', helpGroup: 'ENGINE'})(),
  format: Flags.option({options: ['table', 'csv', 'markdown', 'json'] as const, default: 'table' as const, description: 'Output format (json is --json).'})(),
  table: Flags.string({description: `athena: the CloudTrail table \`lakegov table\` created (default: lake.yaml's table.name, else ${DEFAULT_ACTIVITY_TABLE}).`, helpGroup: 'ENGINE'}),
  database: Flags.string({description: 'athena: the Glue database (default: database in lake.yaml).', helpGroup: 'ENGINE'}),
  workgroup: Flags.string({description: 'athena: the workgroup (default: athena.workgroup in lake.yaml, else primary).', env: 'LAKEGOV_ATHENA_WORKGROUP', helpGroup: 'ENGINE'}),
  'output-location': Flags.string({description: 'athena: s3:// location for results (default: athena.outputLocation in lake.yaml, else the workgroup\'s).', env: 'LAKEGOV_ATHENA_OUTPUT_LOCATION', helpGroup: 'ENGINE'}),
  'max-scan': Flags.string({description: 'athena: refuse, before starting, a window whose log objects exceed this size (10GB, 500MB).', helpGroup: 'ENGINE'}),
  'cache-max': Flags.string({description: 'local: the cache\'s size bound (default 10GB).', env: 'LAKEGOV_CACHE_MAX', helpGroup: 'ENGINE'}),
  concurrency: Flags.integer({description: 'local: downloads in flight.', default: 16, min: 1, max: 256, helpGroup: 'ENGINE'}),
  // 300MB: DuckDB's share of a run that peaks at about 500 MB in all (issue 14's and 15's goal). At
  // 400MB DuckDB took what it was given and `activity anomalies` over 1,000,000 events peaked at
  // 600 to 680 MB; at 300MB it ran as fast, at 474 MB (README, "Benchmark").
  'memory-limit': Flags.string({description: 'local: DuckDB\'s memory limit (lakegov itself needs some 200 MB more).', default: '300MB', helpGroup: 'ENGINE'}),
  threads: Flags.integer({description: 'local: DuckDB\'s threads (default: the CPUs, at most 4).', min: 1, max: 64, helpGroup: 'ENGINE'}),
}

/**
 * The window and engine flags alone (no filters, --format, --region or --policies), none of them
 * allowed with any of `exclusive` (oclif's relationship "none", which unlike `exclusive` does not
 * crowd the usage line): for a command that reads every event of a window as one of its sources.
 */
export function windowAndEngineFlags(exclusive: string[]) {
  const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, format: _format, region: _region, policies: _policies, ...flags} = activityFlags
  return Object.fromEntries(Object.entries(flags).map(([name, flag]) => [name, {...flag, relationships: [{type: 'none', flags: exclusive}]}])) as typeof flags
}

function sizeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const bytes = parseSize(value)
  if (bytes === undefined || bytes <= 0) {
    throw new LakegovError(`--${flag} ${value} is not a size.`, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: [`Pass --${flag} like 10GB, 500MB or 2TB.`]})
  }
  return bytes
}

/** A command of the activity topic: builds the query from the flags and runs it. */
export abstract class ActivityCommand<T extends typeof Command> extends BaseCommand<T> {
  /** --region here names the regions to read, not the AWS region: the lake's region (lake.yaml) or AWS_REGION is used. */
  protected override regionFlag(): string | undefined {
    return undefined
  }

  protected get activityFlagValues(): Record<string, unknown> {
    return this.flags as unknown as Record<string, unknown>
  }

  protected buildQuery(): ActivityQuery {
    const flags = this.activityFlagValues
    return buildActivityQuery(
      {
        since: flags.since as string | undefined,
        from: flags.from as string | undefined,
        to: flags.to as string | undefined,
        principal: flags.principal as string | undefined,
        eventSource: flags['event-source'] as string | undefined,
        eventName: flags['event-name'] as string | undefined,
        region: flags.region as string | undefined,
        errors: flags.errors as boolean | undefined,
        readOnly: flags['read-only'] as string | undefined,
      },
      Date.now(),
    )
  }

  protected async runQuery(query: ActivityQuery, ask: ActivityAsk): Promise<ActivityRun> {
    const flags = this.activityFlagValues
    const maxScanBytes = sizeFlag('max-scan', flags['max-scan'] as string | undefined)
    const cacheMaxBytes = sizeFlag('cache-max', flags['cache-max'] as string | undefined) ?? DEFAULT_CACHE_MAX_BYTES
    this.progress(`window: ${query.window.from} to ${query.window.to}`)
    return runActivity(this.aws, query, ask, {
      policies: flags.policies as string,
      engine: flags.engine as ActivityRunOptionsEngine,
      ...(flags.table === undefined ? {} : {table: flags.table as string}),
      ...(flags.database ? {database: flags.database as string} : {}),
      ...(flags.workgroup === undefined ? {} : {workGroup: checkWorkgroup(flags.workgroup as string)}),
      ...(flags['output-location'] === undefined ? {} : {outputLocation: checkOutputLocation(flags['output-location'] as string)}),
      ...(maxScanBytes === undefined ? {} : {maxScanBytes}),
      cacheMaxBytes,
      concurrency: flags.concurrency as number,
      memoryLimit: flags['memory-limit'] as string,
      threads: (flags.threads as number | undefined) ?? Math.min(4, Math.max(1, os.availableParallelism())),
      now: Date.now(),
      progress: (line) => this.progress(line),
    })
  }

  /**
   * oclif exits 1 for a value outside a flag's options; lakegov's contract is 64 (usage), with the
   * valid values named (oclif's message already lists them).
   */
  override async catch(error: Error): Promise<unknown> {
    if (/^Expected --[\w-]+=.* to be one of: /.test(error.message)) {
      return super.catch(new LakegovError(error.message.split('\n')[0], {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: ['See --help for the valid values.']}))
    }
    return super.catch(error)
  }

  /** --format json means --json. */
  protected get wantsJson(): boolean {
    return this.jsonEnabled() || this.activityFlagValues.format === 'json'
  }
}

type ActivityRunOptionsEngine = Parameters<typeof runActivity>[3]['engine']
