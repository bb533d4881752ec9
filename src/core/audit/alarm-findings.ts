/**
 * Audit findings on the alarms path, in the shape of the other rules (findings.ts): a missing CIS
 * alarm, an alarm nobody hears, a topic nobody confirmed, and a log group that forgets too soon.
 * The sources are AWS Security Hub's CloudWatch controls
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html):
 * - CloudWatch.1 to CloudWatch.14: a metric filter with exactly the prescribed pattern, an alarm on
 *   its metric, and a topic with a subscriber (the CIS AWS Foundations Benchmark's monitoring section
 *   asks for the same);
 * - CloudWatch.15: alarms should have specified actions; CloudWatch.17: alarm actions should be
 *   activated;
 * - CloudWatch.16: log groups should be retained for at least a year (365 days, the control's
 *   default), which is also the CIS benchmark's floor for CloudTrail logs.
 * Each rule is a registry entry (rules.ts spreads ALARM_RULES into AUDIT_RULES); only types come
 * from rules.ts and findings.ts, so there is no import cycle.
 */
import {CIS_CONTROLS} from '../alarms/cis'
import type {ObservedAlarm, ObservedFilter, ObservedSubscription} from '../alarms/plan'
import type {SourceRef} from '../policy/source-map'
import type {FindingFields, FindingLocation} from './findings'
import type {RuleEntry} from './rules'

/** What the alarm rules read: the observation, and the trail's lake.yaml line the CIS findings point at. */
export interface AlarmInput {
  observation: AlarmObservation
  trailSource?: SourceRef
}

/** The shortest retention, in days, that passes Security Hub CloudWatch.16. */
export const MIN_RETENTION_DAYS = 365

/** The alarms the audit reads: the trail's log group, its filters, the alarms, and the topics they notify. */
export interface AlarmObservation {
  /** The trail whose log group this is. */
  trail: string
  /** The log group the trail delivers to; undefined when it delivers to none. */
  logGroup?: string
  /** Whether that log group exists. */
  logGroupExists: boolean
  /** Its retention in days; undefined means never expire. */
  retentionInDays?: number
  /** The metric filters on it. */
  filters: ObservedFilter[]
  /** Every metric alarm of the region. */
  alarms: ObservedAlarm[]
  /** The SNS topics those alarms notify, with their subscriptions. */
  topics: {arn: string; subscriptions: ObservedSubscription[]}[]
}

const metricKey = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`

function cisFindings({observation, trailSource}: AlarmInput): FindingFields[] {
  const location: FindingLocation | undefined = trailSource ? {file: trailSource.file, line: trailSource.line} : undefined
  const {logGroup} = observation
  if (!logGroup || !observation.logGroupExists) {
    const why = logGroup ? `its log group ${logGroup} does not exist` : 'it delivers to no CloudWatch Logs log group'
    return [{title: `No CIS alarm can exist on trail ${observation.trail}: ${why}`, resource: `trail/${observation.trail}`, evidence: `The fourteen controls CloudWatch.1 to CloudWatch.14 fail: ${why}.`, location}]
  }
  const alarmed = new Set(observation.alarms.filter((alarm) => alarm.actions.length > 0).map((alarm) => metricKey(alarm.namespace, alarm.metricName)))
  const findings: FindingFields[] = []
  for (const control of CIS_CONTROLS) {
    const filters = observation.filters.filter((filter) => filter.pattern === control.pattern)
    const withAlarm = filters.some((filter) => alarmed.has(metricKey(filter.namespace, filter.metricName)))
    if (withAlarm) continue
    const evidence = filters.length === 0 ? `No metric filter on ${logGroup} has exactly the pattern Security Hub prescribes for ${control.id}.` : `Filter ${filters.map((filter) => filter.name).join(', ')} has the pattern, but no alarm with an action watches its metric.`
    findings.push({title: `${control.id}: no log metric filter and alarm for ${control.title}`, resource: `log-group:${logGroup}:${control.id}`, evidence, location})
  }
  return findings
}

function actionFindings({observation}: AlarmInput): FindingFields[] {
  const metrics = new Set(observation.filters.map((filter) => metricKey(filter.namespace, filter.metricName)))
  return observation.alarms
    .filter((alarm) => metrics.has(metricKey(alarm.namespace, alarm.metricName)))
    .filter((alarm) => alarm.actions.length === 0 || !alarm.actionsEnabled)
    .map((alarm) =>
      ({
        title: `Alarm ${alarm.name} notifies nobody`,
        resource: `alarm:${alarm.name}`,
        evidence: alarm.actions.length === 0 ? 'The alarm has no ALARM action (CloudWatch.15).' : 'The alarm\'s actions are disabled (CloudWatch.17).',
      }),
    )
}

function topicFindings({observation}: AlarmInput): FindingFields[] {
  return observation.topics
    .filter((topic) => !topic.subscriptions.some((subscription) => !subscription.pending))
    .map((topic) => {
      const pending = topic.subscriptions.filter((subscription) => subscription.pending).map((subscription) => subscription.endpoint)
      return {
        title: `Topic ${topic.arn.split(':').pop()} has no confirmed subscriber`,
        resource: topic.arn,
        evidence: pending.length > 0 ? `Pending confirmation: ${pending.join(', ')}.` : 'The topic has no subscription.',
      }
    })
}

function retentionFindings({observation}: AlarmInput): FindingFields[] {
  const days = observation.retentionInDays
  if (!observation.logGroup || !observation.logGroupExists || days === undefined || days >= MIN_RETENTION_DAYS) return []
  return [{title: `Log group ${observation.logGroup} keeps events for ${days} days`, resource: `log-group:${observation.logGroup}`, evidence: `retentionInDays is ${days}, under ${MIN_RETENTION_DAYS}.`}]
}

/** LG019-LG022, as registry entries (rules.ts spreads them into AUDIT_RULES). */
export const ALARM_RULES = [
  {
    meta: {
      id: 'LG019',
      name: 'MissingCisAlarm',
      severity: 'medium',
      title: 'A CIS log metric filter and alarm is missing',
      help: 'Security Hub controls CloudWatch.1 to CloudWatch.14 pass only when the trail\'s log group has a metric filter with exactly the prescribed pattern ("Additional fields or terms cannot be added") and an alarm on its metric. Without it, root use, console sign-in without MFA, policy and trail changes go unnoticed until someone reads the logs.',
      fix: 'Declare alarms: with sets: [cis] in lake.yaml and run lakegov bootstrap.',
    },
    check: {on: 'alarms', run: cisFindings},
    lakeField: 'alarms',
  },
  {
    meta: {
      id: 'LG020',
      name: 'AlarmWithoutAction',
      severity: 'medium',
      title: 'An alarm on the trail\'s metrics notifies nobody',
      help: 'Security Hub CloudWatch.15 and CloudWatch.17: an alarm with no ALARM action, or with its actions disabled, changes state without telling anyone.',
      fix: 'Give the alarm an SNS topic action and enable its actions (lakegov bootstrap does this for the alarms it manages).',
    },
    check: {on: 'alarms', run: actionFindings},
    lakeField: 'alarms',
  },
  {
    meta: {
      id: 'LG021',
      name: 'TopicWithoutConfirmedSubscriber',
      severity: 'medium',
      title: 'An alarm topic has no confirmed subscriber',
      help: 'SNS delivers nothing to an email subscription until its owner follows the confirmation link, so alarms on a topic without a confirmed subscriber reach nobody.',
      fix: 'Ask the subscribed addresses to confirm (AWS emailed them a link), or subscribe someone who will.',
    },
    check: {on: 'alarms', run: topicFindings},
    lakeField: 'alarms',
  },
  {
    meta: {
      id: 'LG022',
      name: 'LogGroupRetentionUnderAYear',
      severity: 'low',
      title: 'The trail\'s log group keeps events for less than a year',
      help: `Security Hub CloudWatch.16 and the CIS benchmark expect at least ${MIN_RETENTION_DAYS} days of retention, so that an incident found late can still be traced.`,
      fix: `Set the log group's retention to ${MIN_RETENTION_DAYS} days or more (aws logs put-retention-policy).`,
    },
    check: {on: 'alarms', run: retentionFindings},
    lakeField: 'trail.name',
  },
] as const satisfies readonly RuleEntry[]
