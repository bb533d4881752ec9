import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../base-command'
import {crawlExitCodeOf, parseTimeout, preflightFailure, type CrawlReport} from '../core/crawl/crawl'
import {ExitCode, describeExitCodes} from '../core/exit-codes'
import {loadLakeConfig} from '../io/lake-file'
import {renderCrawlReport, renderPreflight} from '../output/crawl'
import {clientsForLake} from '../workflows/bootstrap'
import {connectLake, preflight, runCrawl} from '../workflows/crawl'

/** How long --wait waits without --timeout. */
const DEFAULT_TIMEOUT = '30m'

export default class Crawl extends BaseCommand<typeof Crawl> {
  static summary = 'Run the Glue crawler that catalogs the CloudTrail logs, after checking that it can succeed.'

  static description = `First checks, without starting anything, every documented cause of a failed crawl of a Lake Formation location: the crawler exists and uses Lake Formation credentials; the location is registered and verified; the crawler role has DATA_LOCATION_ACCESS and CREATE_TABLE, ALTER and DESCRIBE on the database; its IAM policy allows lakeformation:GetDataAccess; and there are CloudTrail logs under the prefix. A failed check prints its fix and exits 4. Then starts the crawler (or joins the crawl under way). With --wait it polls with backoff, showing the state and elapsed time on stderr, and reports the last crawl's status, its error with the cause and fix when AWS documents it, the tables created, updated and deleted, and each table's partitions. A failed or cancelled crawl, or --timeout, exits 6. Ctrl-C stops waiting and leaves the crawler running.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> crawl --wait', '<%= config.bin %> crawl --wait --timeout 10m --json']

  static flags = {
    policies: policiesFlag,
    wait: Flags.boolean({description: 'Wait for the crawl to end and report it.'}),
    // No oclif default: a defaulted flag would always "depend on" --wait. The default is applied in run().
    timeout: Flags.custom<number>({
      description: `With --wait: stop waiting after this long, from 1s to 24h (90s, 30m, 1h; default ${DEFAULT_TIMEOUT}); the crawler keeps running.`,
      dependsOn: ['wait'],
      parse: async (input) => {
        const parsed = parseTimeout(input)
        if ('error' in parsed) throw new Error(parsed.error)
        return parsed.ms
      },
    })(),
    'poll-interval': Flags.integer({description: 'The first poll interval in ms; it grows by half each poll, up to 15 s.', default: 1000, min: 100, hidden: true}),
  }

  async run(): Promise<CrawlReport> {
    const {flags} = this
    const timeoutMs = flags.timeout ?? (parseTimeout(DEFAULT_TIMEOUT) as {ms: number}).ms
    const {config} = await loadLakeConfig(flags.policies)
    // Ctrl-C before the crawler starts ends the run at once, saying so; once it runs, it stops the wait.
    const interrupt = new AbortController()
    let started = false
    const onSigint = () => {
      if (started) return interrupt.abort()
      process.stderr.write('\nInterrupted during the preflight checks: the crawler was not started and nothing was changed. Run lakegov crawl again to check and start it.\n')
      process.exit(ExitCode.Interrupted)
    }
    process.on('SIGINT', onSigint)
    let report: CrawlReport
    try {
      const adapter = await connectLake(clientsForLake(this.aws, config, flags.region))
      this.logToStderr('Preflight checks...')
      const checks = await preflight(adapter, config)
      if (!this.jsonEnabled()) this.log(renderPreflight(checks))
      const failure = preflightFailure(checks)
      if (failure) throw failure
      started = true
      report = await runCrawl(adapter, config, checks, {
        wait: flags.wait,
        timeoutMs,
        pollMs: flags['poll-interval'],
        signal: interrupt.signal,
        onProgress: (state, elapsedMs) => this.progress(`crawler ${state.padEnd(8)} ${Math.round(elapsedMs / 1000)}s`),
      })
    } finally {
      process.removeListener('SIGINT', onSigint)
    }
    if (!this.jsonEnabled()) this.log(renderCrawlReport(report))
    const exitCode = crawlExitCodeOf(report)
    if (exitCode !== ExitCode.Ok) this.setExitCode(exitCode)
    return report
  }
}
