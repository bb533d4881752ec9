import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../../activity-command'
import {describeExitCodes} from '../../core/exit-codes'
import {renderEvents, type EventsOutput} from '../../output/activity'

export default class ActivityEvents extends ActivityCommand<typeof ActivityEvents> {
  static summary = 'List the API calls that match the filters, newest first, from CloudTrail.'

  static description = `Answers "what happened, and who did it?" from CloudTrail, on one of three engines: lookup (CloudTrail LookupEvents: no lake needed, the last 90 days of management events), local (the lake's log objects, downloaded into a cache and queried with an embedded DuckDB), or athena (the CloudTrail table \`lakegov table\` creates). auto picks local for a window of up to 2 GiB of logs, athena above that when the table exists, and lookup when there is no lake. Every engine gives the same answer.

Prints time, principal (the role, not the session; the session beside it), service, event, region, source IP and error code. --json prints {engine, window, events: [the CloudTrail record, with the fields the CloudTrail table holds]} (schema: policies/schema/activity-events.schema.json). Progress goes to stderr.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> activity events --principal Deployer --since 30d',
    '<%= config.bin %> activity events --errors --since 2026-12-01 --format markdown',
    '<%= config.bin %> activity events --event-source iam --event-name CreateRole --engine lookup',
    '<%= config.bin %> activity events --principal arn:aws:iam::123456789012:user/alice --from 2026-12-01 --to 2026-12-02 --json',
  ]

  static flags = {
    ...activityFlags,
    limit: Flags.integer({description: 'At most this many events (the newest).', default: 100, min: 1, max: 1_000_000}),
  }

  async run(): Promise<EventsOutput> {
    const query = this.buildQuery()
    const run = await this.runQuery(query, {kind: 'events', limit: this.flags.limit})
    const output: EventsOutput = {engine: run.engine, window: query.window, regions: run.regions, reason: run.reason, events: run.events ?? [], skipped: run.skipped}
    if (this.flags.format === 'json' && !this.jsonEnabled()) this.logJson(output)
    else if (!this.jsonEnabled()) {
      const format = this.flags.format === 'json' ? 'table' : this.flags.format
      if (format === 'csv') process.stdout.write(renderEvents(output, 'csv'))
      else this.log(renderEvents(output, format))
    }
    return output
  }
}
