/**
 * `alarms test --fire`: the managed alarms (core/alarms/plan's name prefix), each set to ALARM with
 * SetAlarmState and back to the state it had, so that the user sees the notification path work.
 * `alarms test --since`: the lake's events of a window, read whole through the activity engine.
 */
import type {AwsClients} from '../aws/clients'
import {CloudWatchAdapter, type AlarmState} from '../aws/cloudwatch'
import {LogsAdapter} from '../aws/logs'
import {SnsAdapter} from '../aws/sns'
import {MANAGED_PREFIX, type ObservedAlarm} from '../core/alarms/plan'
import type {AlarmObservation} from '../core/audit/alarm-findings'
import type {LakeConfig} from '../core/lake/config'
import {compareText} from '../core/order'
import type {FiredAlarm} from '../core/alarms/types'
import type {CorpusEvent, LakeEventsSource, PatternTestSource} from '../core/alarms/test-patterns'
import type {ActivityQuery} from '../core/activity/query'
import {readCloudTrailEvents} from '../io/cloudtrail-events'
import type {QueryRunner} from './reads'

/** The alarms bootstrap manages in the lake's region. */
export async function readManagedAlarms(clients: AwsClients): Promise<ObservedAlarm[]> {
  return new CloudWatchAdapter(clients).describeAlarms(MANAGED_PREFIX)
}

const REASON = 'lakegov alarms test --fire: testing the notification path'

/**
 * Sets each alarm to ALARM, then back to its state before. CloudWatch runs the ALARM actions on the
 * transition and re-evaluates the alarm at its next period anyway (API reference, SetAlarmState).
 */
export async function fireAlarms(clients: AwsClients, alarms: ObservedAlarm[], onProgress?: (line: string) => void): Promise<FiredAlarm[]> {
  const cloudwatch = new CloudWatchAdapter(clients)
  const fired: FiredAlarm[] = []
  for (const alarm of alarms) {
    const before = (alarm.state ?? 'INSUFFICIENT_DATA') as AlarmState
    const restoredTo: AlarmState = before === 'ALARM' ? 'OK' : before
    await cloudwatch.setAlarmState(alarm.name, 'ALARM', REASON)
    await cloudwatch.setAlarmState(alarm.name, restoredTo, `${REASON} (set back)`)
    onProgress?.(`fired ${alarm.name}`)
    fired.push({name: alarm.name, actions: alarm.actions, restoredTo})
  }
  return fired
}

/**
 * What the audit's alarm rules (core/audit/alarm-findings) need: the trail's log group as lake.yaml
 * declares it, its filters and retention, the region's alarms, and the topics those alarms notify.
 * Undefined when lake.yaml declares neither alarms nor a log group on its trail: there is nothing
 * of the alarms path to judge.
 */
export async function readAlarmObservation(clients: AwsClients, config: LakeConfig): Promise<AlarmObservation | undefined> {
  const trail = config.trail
  const logGroup = trail?.cloudWatchLogGroup
  if (!trail || (!logGroup && !config.alarms)) return undefined
  const logs = new LogsAdapter(clients)
  const [group, alarms] = await Promise.all([logGroup ? logs.readLogGroup(logGroup) : {exists: false}, new CloudWatchAdapter(clients).describeAlarms()])
  const filters = logGroup && group.exists ? await logs.describeMetricFilters(logGroup) : []
  const metrics = new Set(filters.map((filter) => `${filter.namespace}/${filter.metricName}`))
  const topicArns = [...new Set(alarms.filter((alarm) => metrics.has(`${alarm.namespace}/${alarm.metricName}`)).flatMap((alarm) => alarm.actions.filter((action) => action.includes(':sns:'))))].sort(compareText)
  const sns = new SnsAdapter(clients)
  const topics = await Promise.all(topicArns.map(async (arn) => ({arn, subscriptions: (await sns.getTopicAttributes(arn)) ? await sns.listSubscriptions(arn) : []})))
  return {
    trail: trail.name,
    ...(logGroup ? {logGroup} : {}),
    logGroupExists: group.exists,
    ...('retentionInDays' in group && group.retentionInDays !== undefined ? {retentionInDays: group.retentionInDays} : {}),
    filters,
    alarms,
    topics,
  }
}

/**
 * The most events `alarms test` reads from the lake. The patterns are evaluated on whole records held
 * in memory (a few KB each), so a window larger than this is cut to its newest events, and says so.
 */
export const LAKE_EVENTS_LIMIT = 1_000_000

/**
 * The corpus of `alarms test`: the CloudTrail files under a directory, or the lake's events of a
 * window read through the activity engine.
 */
export async function readAlarmsCorpus(from: {events: string} | {run: QueryRunner; query: ActivityQuery}, progress: (line: string) => void): Promise<{events: CorpusEvent[]; source: PatternTestSource}> {
  if ('events' in from) {
    const {events, files} = await readCloudTrailEvents(from.events)
    return {events, source: {files}}
  }
  const {events, source} = await readLakeEvents(from.run, from.query, progress)
  return {events, source: {files: [], lake: source}}
}

/** The lake's events of the window, oldest first, as the corpus `alarms test` evaluates; at most `limit`, the newest. */
export async function readLakeEvents(run: QueryRunner, query: ActivityQuery, progress: (line: string) => void, limit = LAKE_EVENTS_LIMIT): Promise<{events: CorpusEvent[]; source: LakeEventsSource}> {
  // One more than the limit tells a window of exactly `limit` events from a larger one.
  const answer = await run(query, {kind: 'events', limit: limit + 1, full: true})
  const newest = answer.events ?? []
  const truncated = newest.length > limit
  // The engines answer newest first; the corpus reads in time order, as the log files do.
  const records = newest.slice(0, limit).reverse()
  progress(`alarms: ${records.length} events read from the lake (${answer.engine} engine)`)
  const fullRecords = answer.fullRecords === true
  if (!fullRecords) {
    progress(`warning: the ${answer.engine} engine gives the CloudTrail table's columns, not whole records: fields the table does not hold (managementEvent, insightDetails, userIdentity.credentialId...) are missing, and null or empty values are dropped, so patterns on them (or IS NULL) can miss. Use --engine local for whole records.`)
  }
  if (truncated) progress(`warning: the window holds more than ${limit} events; only the newest ${limit} were tested. Shorten the window.`)
  const events = records.map((record) => ({id: String(record.eventID), record}))
  return {events, source: {engine: answer.engine, reason: answer.reason, window: query.window, regions: answer.regions, fullRecords, truncated}}
}
