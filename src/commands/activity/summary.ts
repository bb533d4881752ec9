import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../../activity-command'
import {GROUPINGS} from '../../core/activity/query'
import {summarize} from '../../core/activity/summary'
import {describeExitCodes} from '../../core/exit-codes'
import {renderSummary, type SummaryOutput} from '../../output/activity'

export default class ActivitySummary extends ActivityCommand<typeof ActivitySummary> {
  static summary = 'Count the API calls that match the filters, by service, event, principal, region, day, hour, IP, error or user agent.'

  static description = `Counts CloudTrail events (each eventID once) per group, with each group's share of the total and when it was first and last seen, on the lookup, local or athena engine (see \`lakegov activity events --help\`). Keys: --by principal is the role or user ARN (a role's sessions count for the role), service the full event source (iam.amazonaws.com), day yyyy-MM-dd, hour yyyy-MM-ddTHH (UTC), error the errorCode ("(none)" for calls that succeeded).

--json prints {engine, window, rows: [{key, count, share, firstSeen, lastSeen}]} (schema: policies/schema/activity-summary.schema.json). Progress goes to stderr.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> activity summary --by service --since 7d',
    '<%= config.bin %> activity summary --by principal --principal Deployer --since 30d',
    '<%= config.bin %> activity summary --by error --errors --since 2026-12-01',
    '<%= config.bin %> activity summary --by hour --region eu-west-1 --format csv',
  ]

  static flags = {
    ...activityFlags,
    by: Flags.option({options: GROUPINGS, required: true, description: 'What to count by.'})(),
    top: Flags.integer({description: 'Show the largest N groups (shares stay shares of the whole).', default: 20, min: 1}),
  }

  async run(): Promise<SummaryOutput> {
    const query = this.buildQuery()
    const run = await this.runQuery(query, {kind: 'summary', by: this.flags.by})
    const summary = summarize(run.groups ?? [], this.flags.top)
    const output: SummaryOutput = {engine: run.engine, window: query.window, regions: run.regions, reason: run.reason, by: this.flags.by, total: summary.total, rows: summary.rows, skipped: run.skipped}
    if (this.flags.format === 'json' && !this.jsonEnabled()) this.logJson(output)
    else if (!this.jsonEnabled()) {
      const format = this.flags.format === 'json' ? 'table' : this.flags.format
      if (format === 'csv') process.stdout.write(renderSummary(output, 'csv'))
      else this.log(renderSummary(output, format))
    }
    return output
  }
}
