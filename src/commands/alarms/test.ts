import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../../base-command'
import {patternsForLake} from '../../core/alarms/catalog'
import {distinctEvents, testPatterns, type PatternTestReport} from '../../core/alarms/test-patterns'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {BUILT_IN_EVENTS_DIR, readCloudTrailEvents} from '../../io/cloudtrail-events'
import {loadLakeConfig} from '../../io/lake-file'
import {renderPatternTest} from '../../output/alarms'

/** What `alarms test --json` prints. */
export interface AlarmsTestResult extends PatternTestReport {
  /** The CloudTrail files read. */
  files: string[]
}

export default class AlarmsTest extends BaseCommand<typeof AlarmsTest> {
  static summary = 'Evaluate the alarm filter patterns offline against CloudTrail events.'

  static description = `Evaluates every filter pattern lake.yaml asks for (the cis set: Security Hub CloudWatch.1 to CloudWatch.14; the lake set: lakegov's filters for the log lake; and the custom alarms under alarms:) against CloudTrail records, with lakegov's own evaluator of the CloudWatch Logs filter pattern syntax. Without --events it uses the verbatim AWS sample records shipped with lakegov. Prints the events each pattern matches, and warns about a pattern that matches nothing, one that matches more than half of the events, and && mixed with || without parentheses. Makes no AWS call.

Exits 0, or 2 when a pattern warns; 3 when lake.yaml is invalid (a malformed custom pattern is reported at its line).

${describeExitCodes()}`

  static examples = ['<%= config.bin %> alarms test', '<%= config.bin %> alarms test --events ./AWSLogs --json']

  static flags = {
    policies: policiesFlag,
    events: Flags.string({description: 'A directory of CloudTrail log files ({"Records": [...]}, .json or .json.gz), searched recursively. Default: the AWS samples shipped with lakegov.'}),
  }

  async run(): Promise<AlarmsTestResult> {
    const {config} = await loadLakeConfig(this.flags.policies)
    const {patterns, notes} = patternsForLake(config)
    const corpus = await readCloudTrailEvents(this.flags.events ?? BUILT_IN_EVENTS_DIR)
    for (const note of notes) this.progress(`note: ${note}`)
    const report = testPatterns(patterns, distinctEvents(corpus.events))
    if (!this.jsonEnabled()) this.log(renderPatternTest(report, corpus.files))
    if (report.patterns.some((result) => result.warnings.length > 0)) this.setExitCode(ExitCode.Changes)
    return {...report, files: corpus.files}
  }
}
