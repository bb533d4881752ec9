/**
 * The alarms step of bootstrap as a pure planner: lake.yaml's `alarms:` section and what the
 * account holds (metric filters on the trail's log group, alarms, the topic and its subscriptions,
 * anomaly detectors) in, the writes that close the gap out. PutMetricFilter and PutMetricAlarm create
 * or overwrite, so each is planned only when the stored one differs.
 */
import type {LakeConfig} from '../lake/config'
import type {LakeTarget} from '../lake/documents'
import {compareText} from '../order'
import {patternsForLake} from './catalog'
import {CIS_ALARM, CIS_CONTROLS, CIS_METRIC} from './cis'
import type {NamedPattern} from './types'

/** Managed filters, metrics and alarms carry this prefix; anything else is the user's and is kept. */
export const MANAGED_PREFIX = 'lakegov-'

/** The SNS topic when lake.yaml names none. */
export const DEFAULT_TOPIC = 'lakegov-alarms'

/**
 * CloudWatch Logs quotas (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html):
 * 100 metric filters per log group, not adjustable.
 */
export const METRIC_FILTERS_PER_LOG_GROUP = 100

/** The name of the filter, metric and alarm that count every event for the anomaly-detection alarm. */
export const VOLUME_NAME = `${MANAGED_PREFIX}volume`

/** A metric filter as lakegov wants it. */
export interface FilterSpec {
  /** The filter name, also the metric name and the alarm name. */
  name: string
  /** The filter pattern, written exactly as given. */
  pattern: string
  /** The metric namespace (LogMetrics). */
  namespace: string
  /** The value published per matching event ("1"). */
  value: string
  /** Published when no event matches: 0 for the volume metric, so that the model sees quiet periods. */
  defaultValue?: number
}

/** An alarm as lakegov wants it. */
export interface AlarmSpec {
  /** The alarm name. */
  name: string
  /** What it watches, for people. */
  description: string
  /** The metric's namespace. */
  namespace: string
  /** The metric's name. */
  metricName: string
  /** The period in seconds. */
  period: number
  /** The threshold, for a static alarm. */
  threshold?: number
  /** For an anomaly-detection alarm: the band width in standard deviations. */
  band?: number
  /** The comparison. */
  comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanUpperThreshold'
  /** Where the alarm notifies. */
  actions: string[]
}

/** A metric filter as DescribeMetricFilters returns it. */
export interface ObservedFilter {
  /** The filter name. */
  name: string
  /** The pattern. */
  pattern: string
  /** The first metric transformation. */
  namespace?: string
  /** Its metric name. */
  metricName?: string
  /** Its value. */
  value?: string
  /** Its default value. */
  defaultValue?: number
}

/** A metric alarm as DescribeAlarms returns it. */
export interface ObservedAlarm {
  /** The alarm name. */
  name: string
  /** The description. */
  description?: string
  /** The namespace of a single-metric alarm; for a metric-math alarm, of its first metric. */
  namespace?: string
  /** The metric name, as above. */
  metricName?: string
  /** The period in seconds. */
  period?: number
  /** The static threshold. */
  threshold?: number
  /** The band width of an ANOMALY_DETECTION_BAND threshold. */
  band?: number
  /** The comparison. */
  comparison?: string
  /** The ALARM actions. */
  actions: string[]
  /** Whether actions run. */
  actionsEnabled: boolean
  /** OK, ALARM or INSUFFICIENT_DATA. */
  state?: string
}

/** An SNS subscription. */
export interface ObservedSubscription {
  /** email, email-json, https, ... */
  protocol: string
  /** The address. */
  endpoint: string
  /** Whether the owner has not confirmed it yet. */
  pending: boolean
}

/** What the alarms step reads. */
export interface ObservedAlarms {
  /** Whether the trail's log group exists. */
  logGroupExists: boolean
  /** Every metric filter on the log group. */
  filters: ObservedFilter[]
  /** Every metric alarm of the region. */
  alarms: ObservedAlarm[]
  /** The topic: whether it exists, and its subscriptions. */
  topic: {arn: string; exists: boolean; subscriptions: ObservedSubscription[]}
  /** Single-metric anomaly detectors, as namespace/metric/stat. */
  anomalyDetectors: {namespace: string; metricName: string; stat: string}[]
}

/** One write of the alarms step. */
export type AlarmChange = {summary: string} & (
  | {action: 'CreateTopic'; name: string}
  | {action: 'Subscribe'; topicArn: string; email: string}
  | {action: 'PutMetricFilter'; logGroup: string; filter: FilterSpec}
  | {action: 'PutAnomalyDetector'; namespace: string; metricName: string; stat: 'Sum'}
  | {action: 'PutMetricAlarm'; alarm: AlarmSpec}
)

/** The alarms step's plan, before bootstrap wraps it into a step. */
export interface AlarmsPlan {
  /** The step's title. */
  title: string
  /** The writes, in order: topic, subscriptions, filters, detector, alarms. */
  changes: AlarmChange[]
  /** Kept unmanaged filters and alarms, pending subscriptions. */
  notes: string[]
  /** Why nothing can be written, and what to do. */
  blocked?: {reason: string; fix: string}
  /** Whether nothing of it exists yet (no topic and no managed filter). */
  missing: boolean
}

/** The topic's ARN: lake.yaml's ARN, or the one CreateTopic gives a name (arn:PARTITION:sns:REGION:ACCOUNT:NAME). */
export function topicArnOf(config: LakeConfig, target: LakeTarget): string {
  const topic = config.alarms?.topic ?? DEFAULT_TOPIC
  return topic.startsWith('arn:') ? topic : `arn:${target.partition}:sns:${target.region}:${target.account}:${topic}`
}

function describe(named: NamedPattern): string {
  const cis = CIS_CONTROLS.find((control) => control.id === named.name)
  return `${cis ? `${cis.id}: ${cis.title}` : named.name} (managed by lakegov)`
}

/** The filters and alarms lake.yaml asks for, in catalog order, then the volume pair. */
export function desiredAlarms(config: LakeConfig, topicArn: string, readers?: readonly string[]): {filters: FilterSpec[]; alarms: AlarmSpec[]; notes: string[]} {
  const {patterns, notes} = patternsForLake(config, readers)
  const custom = new Map((config.alarms?.custom ?? []).map((alarm) => [alarm.name, alarm]))
  const filters: FilterSpec[] = []
  const alarms: AlarmSpec[] = []
  for (const named of patterns) {
    const name = `${MANAGED_PREFIX}${named.name}`
    const own = custom.get(named.name)
    filters.push({name, pattern: named.pattern, namespace: CIS_METRIC.namespace, value: CIS_METRIC.value})
    alarms.push({
      name,
      description: describe(named),
      namespace: CIS_METRIC.namespace,
      metricName: name,
      period: own?.period ?? CIS_ALARM.period,
      threshold: own?.threshold ?? CIS_ALARM.threshold,
      comparison: CIS_ALARM.comparison,
      actions: [topicArn],
    })
  }
  const volume = config.alarms?.volume
  if (volume) {
    // An empty pattern matches every log event (CloudWatch Logs user guide, "Filter pattern syntax for metric filters").
    filters.push({name: VOLUME_NAME, pattern: '', namespace: CIS_METRIC.namespace, value: CIS_METRIC.value, defaultValue: 0})
    alarms.push({
      name: VOLUME_NAME,
      description: `API call volume outside the anomaly band of ${volume.anomalyBand} standard deviations (managed by lakegov)`,
      namespace: CIS_METRIC.namespace,
      metricName: VOLUME_NAME,
      period: CIS_ALARM.period,
      band: volume.anomalyBand,
      comparison: 'GreaterThanUpperThreshold',
      actions: [topicArn],
    })
  }
  return {filters, alarms, notes}
}

function sameFilter(want: FilterSpec, have: ObservedFilter): boolean {
  return want.pattern === have.pattern && want.namespace === have.namespace && want.name === have.metricName && want.value === have.value && want.defaultValue === have.defaultValue
}

/** The fields of an alarm that differ, by name; empty when the stored alarm is the desired one. */
export function alarmDrift(want: AlarmSpec, have: ObservedAlarm): string[] {
  const fields: [string, unknown, unknown][] = [
    ['description', want.description, have.description],
    ['metric', `${want.namespace}/${want.metricName}`, `${have.namespace}/${have.metricName}`],
    ['period', want.period, have.period],
    ['threshold', want.threshold, have.threshold],
    ['band', want.band, have.band],
    ['comparison', want.comparison, have.comparison],
    ['actions', [...want.actions].sort(compareText).join(','), [...have.actions].sort(compareText).join(',')],
    ['actions enabled', true, have.actionsEnabled],
  ]
  return fields.filter(([, a, b]) => a !== b).map(([field]) => field)
}

function planTopic(config: LakeConfig, observed: ObservedAlarms): {changes: AlarmChange[]; notes: string[]} {
  const changes: AlarmChange[] = []
  const topic = observed.topic
  const name = topic.arn.split(':').pop() ?? topic.arn
  if (!topic.exists) changes.push({action: 'CreateTopic', name, summary: `create SNS topic ${name}`})
  const notes: string[] = []
  for (const email of config.alarms?.email ?? []) {
    const current = topic.subscriptions.find((subscription) => subscription.protocol === 'email' && subscription.endpoint.toLowerCase() === email.toLowerCase())
    if (!current) changes.push({action: 'Subscribe', topicArn: topic.arn, email, summary: `subscribe ${email} to ${name} (AWS emails a link the owner must follow)`})
    else if (current.pending) notes.push(`the subscription of ${email} to ${name} is pending: its owner has not followed the confirmation link AWS emailed, so it receives no alarm`)
  }
  return {changes, notes}
}

function unmanagedNotes(observed: ObservedAlarms, logGroup: string): string[] {
  const filters = observed.filters.filter((filter) => !filter.name.startsWith(MANAGED_PREFIX)).map((filter) => filter.name)
  const metrics = new Set(observed.filters.map((filter) => `${filter.namespace}/${filter.metricName}`))
  const alarms = observed.alarms.filter((alarm) => !alarm.name.startsWith(MANAGED_PREFIX) && metrics.has(`${alarm.namespace}/${alarm.metricName}`)).map((alarm) => alarm.name)
  const notes: string[] = []
  if (filters.length > 0) notes.push(`kept ${filters.length} metric filter(s) on ${logGroup} that lakegov does not manage: ${filters.sort(compareText).join(', ')}`)
  if (alarms.length > 0) notes.push(`kept ${alarms.length} alarm(s) on those filters that lakegov does not manage: ${alarms.sort(compareText).join(', ')}`)
  return notes
}

function blockedPlan(title: string, reason: string, fix: string, notes: string[] = []): AlarmsPlan {
  return {title, changes: [], notes, blocked: {reason, fix}, missing: false}
}

/** Plans the alarms step. Pure: the same inputs give the same plan. `readers` are the declared readers of the log tables. */
export function planAlarms(config: LakeConfig, target: LakeTarget, observed: ObservedAlarms | undefined, readers?: readonly string[]): AlarmsPlan {
  const alarms = config.alarms
  if (!alarms) return {title: 'CloudWatch alarms (not declared)', changes: [], notes: [], missing: false}
  const where = config.sources.alarms ? `${config.sources.alarms.file}:${config.sources.alarms.line}` : 'lake.yaml'
  const logGroup = config.trail?.cloudWatchLogGroup
  if (!logGroup || !observed) {
    const field = config.trail ? 'trail.cloudWatchLogGroup' : 'trail (with cloudWatchLogGroup)'
    return blockedPlan('CloudWatch alarms', `the alarms (${where}) need the trail's CloudWatch Logs log group, and lake.yaml sets no ${field}`, `Set ${field} in lake.yaml, so that the trail delivers to a log group the metric filters can watch; then run bootstrap again.`)
  }
  const title = `CloudWatch alarms on ${logGroup}`
  const desired = desiredAlarms(config, topicArnOf(config, target), readers)
  const existing = new Map(observed.filters.map((filter) => [filter.name, filter]))
  const added = desired.filters.filter((filter) => !existing.has(filter.name)).length
  const notes = [...desired.notes, ...unmanagedNotes(observed, logGroup)]
  if (existing.size + added > METRIC_FILTERS_PER_LOG_GROUP) {
    return blockedPlan(
      title,
      `${logGroup} has ${existing.size} metric filter(s) and the alarms would add ${added}: over the quota of ${METRIC_FILTERS_PER_LOG_GROUP} per log group, which AWS does not raise`,
      `Delete unused metric filters on ${logGroup}, or ask for fewer sets or custom alarms in ${where}.`,
      notes,
    )
  }
  if (alarms.topic?.startsWith('arn:') && !observed.topic.exists) {
    // lakegov creates topics by name in this account; a topic named by ARN is someone else's to create.
    return blockedPlan(title, `the topic ${alarms.topic} (${where}) does not exist, or lakegov may not read it`, 'Create the topic (or grant sns:GetTopicAttributes on it), or give a topic name that lakegov may create.', notes)
  }
  const topic = planTopic(config, observed)
  const changes: AlarmChange[] = [...topic.changes]
  for (const filter of desired.filters) {
    const current = existing.get(filter.name)
    if (current && sameFilter(filter, current)) continue
    const what = current && current.pattern !== filter.pattern ? `pattern drifted from ${JSON.stringify(current.pattern)}` : current ? 'metric drifted' : 'create'
    changes.push({action: 'PutMetricFilter', logGroup, filter, summary: `metric filter ${filter.name} on ${logGroup}: ${what}`})
  }
  changes.push(...planAlarmWrites(desired.alarms, observed))
  const managedExists = observed.filters.some((filter) => filter.name.startsWith(MANAGED_PREFIX))
  return {title, changes, notes: [...notes, ...topic.notes], missing: !observed.topic.exists && !managedExists}
}

function planAlarmWrites(desired: AlarmSpec[], observed: ObservedAlarms): AlarmChange[] {
  const changes: AlarmChange[] = []
  const byName = new Map(observed.alarms.map((alarm) => [alarm.name, alarm]))
  for (const alarm of desired) {
    if (alarm.band !== undefined && !observed.anomalyDetectors.some((detector) => detector.namespace === alarm.namespace && detector.metricName === alarm.metricName && detector.stat === 'Sum')) {
      changes.push({action: 'PutAnomalyDetector', namespace: alarm.namespace, metricName: alarm.metricName, stat: 'Sum', summary: `anomaly detection model on ${alarm.namespace}/${alarm.metricName} (Sum)`})
    }
    const current = byName.get(alarm.name)
    const drift = current ? alarmDrift(alarm, current) : []
    if (current && drift.length === 0) continue
    changes.push({action: 'PutMetricAlarm', alarm, summary: current ? `alarm ${alarm.name}: update ${drift.join(', ')}` : `create alarm ${alarm.name} notifying ${alarm.actions.join(', ')}`})
  }
  return changes
}
