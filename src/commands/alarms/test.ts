import {Flags} from '@oclif/core'

import {ActivityCommand, windowAndEngineFlags} from '../../activity-command'
import {policiesFlag} from '../../base-command'
import {patternsForLake} from '../../core/alarms/catalog'
import {distinctEvents, testPatterns, type AlarmsTestResult} from '../../core/alarms/test-patterns'
import type {FiredAlarm} from '../../core/alarms/types'
import {LakegovError} from '../../core/errors'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {BUILT_IN_EVENTS_DIR} from '../../io/cloudtrail-events'
import {loadDeclaredReaders} from '../../io/declared-readers'
import {loadLakeConfig} from '../../io/lake-file'
import {confirmOnTerminal} from '../../io/prompt'
import {renderFired, renderPatternTest} from '../../output/alarms'
import {fireAlarms, readAlarmsCorpus, readManagedAlarms} from '../../workflows/alarms'
import {clientsForLake} from '../../workflows/bootstrap'

// The activity commands' window and engine flags: a pattern is tested against every event of the window.
const LAKE_FLAGS = windowAndEngineFlags(['events', 'fire'])

export default class AlarmsTest extends ActivityCommand<typeof AlarmsTest> {
  static summary = 'Evaluate the alarm filter patterns offline against CloudTrail events.'

  static description = `Evaluates every filter pattern lake.yaml asks for (the cis set: Security Hub CloudWatch.1 to CloudWatch.14; the lake set: lakegov's filters for the log lake; and the custom alarms under alarms:) against CloudTrail records, with lakegov's own evaluator of the CloudWatch Logs filter pattern syntax. Without --events it uses the verbatim AWS sample records shipped with lakegov, and makes no AWS call. Prints the events each pattern matches, and warns about a pattern that matches nothing, one that matches more than half of the events, and && mixed with || without parentheses.

With --since (or --from/--to, or an --engine other than auto; default window: the last 24 hours) it tests the lake's events of the window instead, read through the activity engine (see lakegov activity events --help): local and lookup give whole records; athena gives only the CloudTrail table's columns, and says so. Progress goes to stderr. Exits 0, or 2 when a pattern warns; 3 when lake.yaml is invalid (a malformed custom pattern is reported at its line).

With --fire it instead sets each alarm bootstrap manages (named lakegov-...) to ALARM with SetAlarmState and back, so that the notifications can be seen arriving. It asks first; --yes skips the question, and without a terminal --yes is required (exit 64).

${describeExitCodes()}`

  static examples = ['<%= config.bin %> alarms test', '<%= config.bin %> alarms test --events ./AWSLogs --json', '<%= config.bin %> alarms test --since 24h --engine local', '<%= config.bin %> alarms test --fire']

  static flags = {
    policies: policiesFlag,
    ...LAKE_FLAGS,
    since: {...LAKE_FLAGS.since, exclusive: ['events', 'fire'], description: 'Test the lake\'s events this far back, read through the activity engine: a duration (24h, 30d, 90m, 2w) or a date (2026-12-01).'},
    events: Flags.string({description: 'A directory of CloudTrail log files ({"Records": [...]}, .json or .json.gz), searched recursively. Default: the AWS samples shipped with lakegov.'}),
    fire: Flags.boolean({description: 'Set each managed alarm to ALARM and back (SetAlarmState), to test the notification path end to end.', exclusive: ['events']}),
    yes: Flags.boolean({description: 'With --fire: do not ask first.', dependsOn: ['fire']}),
  }

  async run(): Promise<AlarmsTestResult | {fired: FiredAlarm[]}> {
    const {config} = await loadLakeConfig(this.flags.policies)
    if (this.flags.fire) return this.fire(config)
    const {patterns, notes} = patternsForLake(config, await loadDeclaredReaders(this.flags.policies, config))
    for (const note of notes) this.progress(`note: ${note}`)
    const {since, from, to, engine} = this.flags
    const readsLake = since !== undefined || from !== undefined || to !== undefined || engine !== 'auto'
    const corpus = await readAlarmsCorpus(readsLake ? {run: (query, ask) => this.runQuery(query, ask), query: this.buildQuery()} : {events: this.flags.events ?? BUILT_IN_EVENTS_DIR}, (line) => this.progress(line))
    const report = testPatterns(patterns, distinctEvents(corpus.events))
    if (!this.jsonEnabled()) this.log(renderPatternTest(report, corpus.source))
    if (report.patterns.some((result) => result.warnings.length > 0)) this.setExitCode(ExitCode.Changes)
    return {...report, ...corpus.source}
  }

  /** --region is the AWS region here, as for --fire; the lake's events are read in every region. */
  protected override regionFlag(): string | undefined {
    return this.flags.region
  }

  protected override get activityFlagValues(): Record<string, unknown> {
    return {...this.flags, region: 'all'}
  }

  private async fire(config: Awaited<ReturnType<typeof loadLakeConfig>>['config']): Promise<{fired: FiredAlarm[]}> {
    const clients = clientsForLake(this.aws, config, this.flags.region)
    const alarms = await readManagedAlarms(clients)
    if (alarms.length > 0 && !this.flags.yes) {
      await confirmOnTerminal(`Set ${alarms.length} alarm(s) to ALARM (their topics notify) and back? Type "yes": `, {
        refused: new LakegovError('Refusing to fire the alarms without confirmation: not on a terminal.', {exitCode: ExitCode.Usage, code: 'FIRE_NEEDS_APPROVAL', suggestions: ['Pass --yes.']}),
        cancelled: new LakegovError('Cancelled; no alarm was changed.', {exitCode: ExitCode.Usage, code: 'FIRE_CANCELLED'}),
      })
    }
    const fired = await fireAlarms(clients, alarms, (line) => this.progress(line))
    if (!this.jsonEnabled()) this.log(renderFired(fired))
    return {fired}
  }
}
