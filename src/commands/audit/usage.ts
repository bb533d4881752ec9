import {ActivityCommand, activityFlags} from '../../activity-command'
import {describeExitCodes} from '../../core/exit-codes'
import {renderUsage} from '../../output/activity'
import {loadAuditInputs} from '../../workflows/audit'
import {runUsage, type UsageRun} from '../../workflows/usage'

const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, ...sharedFlags} = activityFlags

export default class AuditUsage extends ActivityCommand<typeof AuditUsage> {
  static summary = 'Who can read the log tables against who did: unused access, and reads no grant explains.'

  static description = `For every row of \`lakegov audit access\` (a principal, a table, a path), says whether the access was used in the window and when it was last used, from the reads \`lakegov activity reads\` finds (Lake Formation's GetDataAccess and the S3 GetObject data events, on the lookup, local or athena engine). A read of a table is counted for every access row that reaches its principal through a path of its kind (Lake Formation paths for Lake Formation reads, the S3 bypass for direct reads); CloudTrail does not say which grant Lake Formation used, so all of them count as used. Lists the reads no current access explains, and proposes the unused Lake Formation grants for revoking (and unused S3 bypass access for review), leaving out the lake's expected roles and administrators. Nothing is applied: remove the grants from the grants files and review \`lakegov grants plan --prune\`.

Run it as a data lake admin or read-only admin, as \`audit access\`. --json prints {rows: [{principal, table, path, via, used, lastUsed, reads}], unexplained: [...], proposal: {revoke, review}} (plus account, database, window, engine, regions, banner, warnings).

${describeExitCodes()}`

  static examples = ['<%= config.bin %> audit usage', '<%= config.bin %> audit usage --since 30d --engine athena --format markdown', '<%= config.bin %> audit usage --json']

  static flags = {
    ...sharedFlags,
    since: {...sharedFlags.since, description: 'How far back: a duration (90d, 12w) or a date (2026-09-01). Default: 90d.'},
  }

  /** The window defaults to the last 90 days here, not 24 hours. */
  protected override get activityFlagValues(): Record<string, unknown> {
    const {since, from, to} = this.flags
    return {...this.flags, since: since ?? (from === undefined && to === undefined ? '90d' : undefined)}
  }

  async run(): Promise<UsageRun> {
    const inputs = await loadAuditInputs(this.flags.policies)
    const query = this.buildQuery()
    const report = await runUsage(this.aws, (part, ask) => this.runQuery(part, ask), query, inputs, {
      ...(this.flags.database ? {database: this.flags.database} : {}),
      table: this.flags.table,
      progress: (line) => this.progress(line),
    })
    for (const warning of report.warnings) this.progress(`warning: ${warning}`)
    if (report.banner) this.progress(`warning: ${report.banner}`)
    if (this.flags.format === 'json' && !this.jsonEnabled()) this.logJson(report)
    else if (!this.jsonEnabled()) {
      const format = this.flags.format === 'json' ? 'table' : this.flags.format
      if (format === 'csv') process.stdout.write(renderUsage(report, 'csv'))
      else this.log(renderUsage(report, format))
    }
    return report
  }
}
