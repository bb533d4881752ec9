import {Flags} from '@oclif/core'
import {createInterface} from 'node:readline/promises'

import {BaseCommand, policiesFlag} from '../../base-command'
import {patternsForLake} from '../../core/alarms/catalog'
import {distinctEvents, testPatterns, type PatternTestReport} from '../../core/alarms/test-patterns'
import type {FiredAlarm} from '../../core/alarms/types'
import {LakegovError} from '../../core/errors'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {BUILT_IN_EVENTS_DIR, readCloudTrailEvents} from '../../io/cloudtrail-events'
import {loadDeclaredReaders} from '../../io/declared-readers'
import {loadLakeConfig} from '../../io/lake-file'
import {renderFired, renderPatternTest} from '../../output/alarms'
import {fireAlarms, readManagedAlarms} from '../../workflows/alarms'
import {clientsForLake} from '../../workflows/bootstrap'

/** What `alarms test --json` prints. */
export interface AlarmsTestResult extends PatternTestReport {
  /** The CloudTrail files read. */
  files: string[]
}

export default class AlarmsTest extends BaseCommand<typeof AlarmsTest> {
  static summary = 'Evaluate the alarm filter patterns offline against CloudTrail events.'

  static description = `Evaluates every filter pattern lake.yaml asks for (the cis set: Security Hub CloudWatch.1 to CloudWatch.14; the lake set: lakegov's filters for the log lake; and the custom alarms under alarms:) against CloudTrail records, with lakegov's own evaluator of the CloudWatch Logs filter pattern syntax. Without --events it uses the verbatim AWS sample records shipped with lakegov. Prints the events each pattern matches, and warns about a pattern that matches nothing, one that matches more than half of the events, and && mixed with || without parentheses. Makes no AWS call.

Exits 0, or 2 when a pattern warns; 3 when lake.yaml is invalid (a malformed custom pattern is reported at its line).

With --fire it instead sets each alarm bootstrap manages (named lakegov-...) to ALARM with SetAlarmState and back, so that the notifications can be seen arriving. It asks first; --yes skips the question, and without a terminal --yes is required (exit 64).

${describeExitCodes()}`

  static examples = ['<%= config.bin %> alarms test', '<%= config.bin %> alarms test --events ./AWSLogs --json', '<%= config.bin %> alarms test --fire']

  static flags = {
    policies: policiesFlag,
    events: Flags.string({description: 'A directory of CloudTrail log files ({"Records": [...]}, .json or .json.gz), searched recursively. Default: the AWS samples shipped with lakegov.'}),
    fire: Flags.boolean({description: 'Set each managed alarm to ALARM and back (SetAlarmState), to test the notification path end to end.', exclusive: ['events']}),
    yes: Flags.boolean({description: 'With --fire: do not ask first.', dependsOn: ['fire']}),
  }

  async run(): Promise<AlarmsTestResult | {fired: FiredAlarm[]}> {
    const {config} = await loadLakeConfig(this.flags.policies)
    if (this.flags.fire) return this.fire(config)
    const {patterns, notes} = patternsForLake(config, await loadDeclaredReaders(this.flags.policies, config))
    const corpus = await readCloudTrailEvents(this.flags.events ?? BUILT_IN_EVENTS_DIR)
    for (const note of notes) this.progress(`note: ${note}`)
    const report = testPatterns(patterns, distinctEvents(corpus.events))
    if (!this.jsonEnabled()) this.log(renderPatternTest(report, corpus.files))
    if (report.patterns.some((result) => result.warnings.length > 0)) this.setExitCode(ExitCode.Changes)
    return {...report, files: corpus.files}
  }

  private async fire(config: Awaited<ReturnType<typeof loadLakeConfig>>['config']): Promise<{fired: FiredAlarm[]}> {
    const clients = clientsForLake(this.aws, config, this.flags.region)
    const alarms = await readManagedAlarms(clients)
    if (alarms.length > 0 && !this.flags.yes) await this.ask(`Set ${alarms.length} alarm(s) to ALARM (their topics notify) and back? Type "yes": `)
    const fired = await fireAlarms(clients, alarms, (line) => this.progress(line))
    if (!this.jsonEnabled()) this.log(renderFired(fired))
    return {fired}
  }

  private async ask(question: string): Promise<void> {
    if (!process.stdin.isTTY) {
      throw new LakegovError('Refusing to fire the alarms without confirmation: not on a terminal.', {exitCode: ExitCode.Usage, code: 'FIRE_NEEDS_APPROVAL', suggestions: ['Pass --yes.']})
    }
    const prompt = createInterface({input: process.stdin, output: process.stderr})
    const answer = await prompt.question(question)
    prompt.close()
    if (answer.trim().toLowerCase() !== 'yes') throw new LakegovError('Cancelled; no alarm was changed.', {exitCode: ExitCode.Usage, code: 'FIRE_CANCELLED'})
  }
}
