import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../../activity-command'
import {aggregateReads, listReadEvents, matchesReadsFilter, READ_ENGINES, type ReadEngine} from '../../core/activity/reads'
import {describeExitCodes} from '../../core/exit-codes'
import {loadLakeConfig} from '../../io/lake-file'
import {renderReads, type ReadsOutput} from '../../output/activity'
import {directReadsBanner, readWindowReads, readsContextOf} from '../../workflows/reads'

const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, ...sharedFlags} = activityFlags

export default class ActivityReads extends ActivityCommand<typeof ActivityReads> {
  static summary = 'Who read the log tables: through Lake Formation (GetDataAccess) or directly from S3.'

  static description = `Joins Lake Formation's GetDataAccess events (the principal, the table, the engine) with the S3 GetObject data events made under their AWSLF- sessions, and reports every other GetObject on the log bucket and prefix as a direct read that went past Lake Formation. Athena's StartQueryExecution names the query when GetDataAccess carries its id. One row per principal, table, engine and path (lake-formation or direct-s3), direct reads first; reads by the registration and crawler roles are marked expected.

Direct reads are visible only when the trail logs S3 data events on the log bucket; the lookup engine never sees data events, and says so. --json prints {engine, window, rows: [{principal, table, engine, path, count, firstRead, lastRead, sourceIps, expected}]} (plus regions, reason, banner); --events adds events: [{time, eventId, principal, table, engine, path, sourceIp, key, query: {queryExecutionId, queryString, workGroup} | null, expected}], and the text output then lists the reads one by one, direct reads first, then newest first.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> activity reads --since 30d', '<%= config.bin %> activity reads --since 7d --reader Analyst --log-table cloudtrail_logs --json']

  static flags = {
    ...sharedFlags,
    reader: Flags.string({description: 'Only reads by this role or user (name or ARN).', helpGroup: 'FILTERS'}),
    'log-table': Flags.string({description: 'Only reads of this log table (TABLE or DATABASE.TABLE).', helpGroup: 'FILTERS'}),
    'read-engine': Flags.option({options: READ_ENGINES, description: 'Only reads through this engine.', helpGroup: 'FILTERS'})(),
    events: Flags.boolean({description: 'List the reads one by one (time, path, principal, table, engine, source IP, eventID, and the Athena query text when known) instead of the rows.'}),
  }

  async run(): Promise<ReadsOutput> {
    const query = this.buildQuery()
    const lake = (await loadLakeConfig(this.flags.policies)).config
    const context = readsContextOf(lake, this.flags.database ?? lake.database, this.flags.table)
    const read = await readWindowReads((part, ask) => this.runQuery(part, ask), query, context, (line) => this.progress(line))
    const {engine, reason, regions} = read
    const filter = {
      ...(this.flags.reader ? {principal: this.flags.reader} : {}),
      ...(this.flags['log-table'] ? {table: this.flags['log-table']} : {}),
      ...(this.flags['read-engine'] ? {engine: this.flags['read-engine'] as ReadEngine} : {}),
    }
    const reads = read.reads.filter((candidate) => matchesReadsFilter(candidate, filter))
    const banner = directReadsBanner(lake, engine, read.getObjects)
    if (banner) this.progress(`warning: ${banner}`)
    const output: ReadsOutput = {engine, window: query.window, regions, reason, banner, rows: aggregateReads(reads), ...(this.flags.events ? {events: listReadEvents(reads)} : {})}
    if (this.flags.format === 'json' && !this.jsonEnabled()) this.logJson(output)
    else if (!this.jsonEnabled()) {
      const format = this.flags.format === 'json' ? 'table' : this.flags.format
      if (format === 'csv') process.stdout.write(renderReads(output, 'csv'))
      else this.log(renderReads(output, format))
    }
    return output
  }
}
