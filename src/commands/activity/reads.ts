import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../../activity-command'
import {aggregateReads, deriveReads, matchesReadsFilter, READ_ENGINES, type ReadEngine, type ReadsContext} from '../../core/activity/reads'
import type {ActivityQuery} from '../../core/activity/query'
import type {CloudTrailRecord} from '../../core/activity/record'
import {describeExitCodes} from '../../core/exit-codes'
import {locationUrlOf} from '../../core/lake/config'
import {loadLakeConfig} from '../../io/lake-file'
import {renderReads, type ReadsOutput} from '../../output/activity'

/** The CloudTrail events a read is made of: Lake Formation's credential vends, the S3 reads, and Athena's queries. */
const READ_EVENTS: ReadonlyArray<[string, string]> = [
  ['lakeformation.amazonaws.com', 'GetDataAccess'],
  ['s3.amazonaws.com', 'GetObject'],
  ['athena.amazonaws.com', 'StartQueryExecution'],
]

const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, ...sharedFlags} = activityFlags

export default class ActivityReads extends ActivityCommand<typeof ActivityReads> {
  static summary = 'Who read the log tables: through Lake Formation (GetDataAccess) or directly from S3.'

  static description = `Joins Lake Formation's GetDataAccess events (the principal, the table, the engine) with the S3 GetObject data events made under their AWSLF- sessions, and reports every other GetObject on the log bucket and prefix as a direct read that went past Lake Formation. Athena's StartQueryExecution names the query when GetDataAccess carries its id. One row per principal, table, engine and path (lake-formation or direct-s3), direct reads first; reads by the registration and crawler roles are marked expected.

Direct reads are visible only when the trail logs S3 data events on the log bucket; the lookup engine never sees data events, and says so. --json prints {engine, window, rows: [{principal, table, engine, path, count, firstRead, lastRead, sourceIps, expected}]} (plus regions, reason, banner).

${describeExitCodes()}`

  static examples = ['<%= config.bin %> activity reads --since 30d', '<%= config.bin %> activity reads --since 7d --reader Analyst --log-table cloudtrail_logs --json']

  static flags = {
    ...sharedFlags,
    reader: Flags.string({description: 'Only reads by this role or user (name or ARN).', helpGroup: 'FILTERS'}),
    'log-table': Flags.string({description: 'Only reads of this log table (TABLE or DATABASE.TABLE).', helpGroup: 'FILTERS'}),
    'read-engine': Flags.option({options: READ_ENGINES, description: 'Only reads through this engine.', helpGroup: 'FILTERS'})(),
  }

  async run(): Promise<ReadsOutput> {
    const query = this.buildQuery()
    const lake = (await loadLakeConfig(this.flags.policies)).config
    const expected = [...('role' in lake.registration ? [{arn: lake.registration.role, reason: 'registration-role'}] : []), ...(lake.crawler ? [{arn: lake.crawler.role, reason: 'crawler-role'}] : [])]
    const context: ReadsContext = {
      bucket: lake.bucket.name,
      prefix: lake.bucket.prefix,
      tables: [{database: (this.flags.database ?? lake.database).toLowerCase(), table: this.flags.table.toLowerCase(), location: locationUrlOf(lake.bucket)}],
      expected,
    }
    const records: CloudTrailRecord[] = []
    let engine = ''
    let reason = ''
    const regions = new Set<string>()
    for (const [eventSource, eventName] of READ_EVENTS) {
      // LookupEvents has no data events (the first question, GetDataAccess, tells which engine answers).
      if (eventName === 'GetObject' && engine === 'lookup') continue
      // By event name alone: LookupEvents takes one attribute, and deriveReads checks the source.
      const part: ActivityQuery = {window: query.window, filters: {...query.filters, eventName}}
      this.progress(`reads: ${eventSource} ${eventName}`)
      const run = await this.runQuery(part, {kind: 'events', limit: 1_000_000})
      engine = run.engine
      reason = run.reason
      for (const region of run.regions) regions.add(region)
      records.push(...(run.events ?? []))
    }
    const filter = {
      ...(this.flags.reader ? {principal: this.flags.reader} : {}),
      ...(this.flags['log-table'] ? {table: this.flags['log-table']} : {}),
      ...(this.flags['read-engine'] ? {engine: this.flags['read-engine'] as ReadEngine} : {}),
    }
    const reads = deriveReads(records, context).filter((read) => matchesReadsFilter(read, filter))
    const banner =
      engine === 'lookup'
        ? 'the lookup engine (LookupEvents) never returns S3 data events: direct reads are invisible here. Use --engine local or athena.'
        : records.some((record) => record.eventName === 'GetObject')
          ? null
          : `no S3 GetObject data events on s3://${lake.bucket.name}/${lake.bucket.prefix} in the window: if the trail does not log them, direct reads are invisible (the lake.yaml setting trail.dataEvents.logReads, not built yet, will turn them on).`
    if (banner) this.progress(`warning: ${banner}`)
    const output: ReadsOutput = {engine, window: query.window, regions: [...regions].sort(), reason, banner, rows: aggregateReads(reads)}
    if (this.flags.format === 'json' && !this.jsonEnabled()) this.logJson(output)
    else if (!this.jsonEnabled()) {
      const format = this.flags.format === 'json' ? 'table' : this.flags.format
      if (format === 'csv') process.stdout.write(renderReads(output, 'csv'))
      else this.log(renderReads(output, format))
    }
    return output
  }
}
