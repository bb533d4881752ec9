import {CIS_CONTROLS} from '../../src/core/alarms/cis'
import {MANAGED_PREFIX, METRIC_FILTERS_PER_LOG_GROUP, VOLUME_NAME, planAlarms, type AlarmChange, type ObservedAlarms} from '../../src/core/alarms/plan'
import type {LakeConfig} from '../../src/core/lake/config'

const ACCOUNT = '123456789012'
const TARGET = {account: ACCOUNT, region: 'us-east-1', partition: 'aws'}
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:lake-alarms`
const SOURCE = {file: 'policies/lake.yaml', line: 30, column: 1, field: 'alarms'}

/** null: no alarms section. */
function lakeConfig(alarms: Partial<NonNullable<LakeConfig['alarms']>> | null = {}, logGroup: string | null = 'trail-logs'): LakeConfig {
  return {
    region: 'us-east-1',
    admins: [],
    readOnlyAdmins: [],
    bucket: {name: 'logs', prefix: 'AWSLogs/', encryption: {type: 'AES256'}},
    registration: {useServiceLinkedRole: true},
    database: 'cloudtrail',
    trail: {name: 'lake-trail', multiRegion: true, logFileValidation: true, cloudWatchRole: 'cw', ...(logGroup ? {cloudWatchLogGroup: logGroup} : {})},
    ...(alarms ? {alarms: {topic: 'lake-alarms', email: ['secops@example.com'], sets: ['cis', 'lake'], custom: [], ...alarms}} : {}),
    sources: {alarms: SOURCE},
  }
}

function emptyAccount(): ObservedAlarms {
  return {logGroupExists: true, filters: [], alarms: [], topic: {arn: TOPIC, exists: false, subscriptions: []}, anomalyDetectors: []}
}

/** What AWS holds after the changes: each Put creates or overwrites, as the API references say. */
function applied(observed: ObservedAlarms, changes: AlarmChange[]): ObservedAlarms {
  const next: ObservedAlarms = structuredClone(observed)
  for (const change of changes) {
    if (change.action === 'CreateTopic') next.topic.exists = true
    if (change.action === 'Subscribe') next.topic.subscriptions.push({protocol: 'email', endpoint: change.email, pending: true})
    if (change.action === 'PutAnomalyDetector') next.anomalyDetectors.push({namespace: change.namespace, metricName: change.metricName, stat: change.stat})
    if (change.action === 'PutMetricFilter') {
      const {filter} = change
      next.filters = [...next.filters.filter((existing) => existing.name !== filter.name), {name: filter.name, pattern: filter.pattern, namespace: filter.namespace, metricName: filter.name, value: filter.value, ...(filter.defaultValue === undefined ? {} : {defaultValue: filter.defaultValue})}]
    }
    if (change.action === 'PutMetricAlarm') {
      const {alarm} = change
      const {name, description, namespace, metricName, period, threshold, band, comparison, actions} = alarm
      next.alarms = [...next.alarms.filter((existing) => existing.name !== name), {name, description, namespace, metricName, period, threshold, band, comparison, actions, actionsEnabled: true}]
    }
  }
  return next
}

describe('planAlarms', () => {
  it('plans nothing when lake.yaml has no alarms section', () => {
    const plan = planAlarms(lakeConfig(null), TARGET, undefined)
    expect([plan.title, plan.changes, plan.blocked]).toEqual(['CloudWatch alarms (not declared)', [], undefined])
  })

  it.each([
    ['a trail without a log group', lakeConfig({}, null), 'trail.cloudWatchLogGroup'],
    ['no trail at all', {...lakeConfig(), trail: undefined}, 'trail (with cloudWatchLogGroup)'],
  ])('blocks, naming the lake.yaml field, on %s', (_name, config, field) => {
    const plan = planAlarms(config, TARGET, undefined)
    expect(plan.changes).toEqual([])
    expect(plan.blocked?.reason).toContain(`sets no ${field}`)
    expect(plan.blocked?.reason).toContain('policies/lake.yaml:30')
    expect(plan.blocked?.fix).toContain(`Set ${field}`)
  })

  it('creates the topic, the subscription, then a filter and an alarm per pattern on an empty account', () => {
    const plan = planAlarms(lakeConfig(), TARGET, emptyAccount())
    expect(plan.missing).toBe(true)
    expect(plan.changes.slice(0, 2)).toMatchObject([
      {action: 'CreateTopic', name: 'lake-alarms'},
      {action: 'Subscribe', topicArn: TOPIC, email: 'secops@example.com'},
    ])
    const filters = plan.changes.filter((change): change is Extract<AlarmChange, {action: 'PutMetricFilter'}> => change.action === 'PutMetricFilter')
    // CIS patterns go out byte for byte, under the managed prefix.
    for (const control of CIS_CONTROLS) expect(filters.find((change) => change.filter.name === `${MANAGED_PREFIX}${control.id}`)?.filter.pattern).toBe(control.pattern)
    const alarms = plan.changes.filter((change): change is Extract<AlarmChange, {action: 'PutMetricAlarm'}> => change.action === 'PutMetricAlarm')
    expect(alarms.map((change) => change.alarm.name)).toEqual(filters.map((change) => change.filter.name))
    expect(alarms.every((change) => change.alarm.actions[0] === TOPIC && change.alarm.threshold === 1 && change.alarm.period === 300)).toBe(true)
  })

  it('plans nothing once its changes are applied, and reports the subscription still pending', () => {
    const config = lakeConfig({volume: {anomalyBand: 2}, custom: [{name: 'grant-by-non-admin', pattern: '{ $.eventName = "Grant*" }', threshold: 3, period: 60, source: SOURCE}]})
    const first = planAlarms(config, TARGET, emptyAccount())
    const second = planAlarms(config, TARGET, applied(emptyAccount(), first.changes))
    expect(second.changes).toEqual([])
    expect(second.missing).toBe(false)
    expect(second.notes.join('\n')).toContain('the subscription of secops@example.com to lake-alarms is pending')
  })

  it('adds the volume filter with defaultValue 0, its anomaly detector and an ANOMALY_DETECTION_BAND alarm', () => {
    const plan = planAlarms(lakeConfig({volume: {anomalyBand: 2}}), TARGET, emptyAccount())
    expect(plan.changes.find((change) => change.action === 'PutMetricFilter' && change.filter.name === VOLUME_NAME)).toMatchObject({filter: {pattern: '', defaultValue: 0}})
    expect(plan.changes.find((change) => change.action === 'PutAnomalyDetector')).toMatchObject({namespace: 'LogMetrics', metricName: VOLUME_NAME, stat: 'Sum'})
    expect(plan.changes.find((change) => change.action === 'PutMetricAlarm' && change.alarm.name === VOLUME_NAME)).toMatchObject({alarm: {band: 2, comparison: 'GreaterThanUpperThreshold'}})
  })

  it('rewrites a hand-edited pattern and an alarm that lost its action, and nothing else', () => {
    const config = lakeConfig()
    const converged = applied(emptyAccount(), planAlarms(config, TARGET, emptyAccount()).changes)
    const root = converged.filters.find((filter) => filter.name === `${MANAGED_PREFIX}CloudWatch.1`)!
    root.pattern = root.pattern.replace('Root', 'root')
    converged.alarms.find((alarm) => alarm.name === `${MANAGED_PREFIX}CloudWatch.2`)!.actions = []
    const plan = planAlarms(config, TARGET, converged)
    expect(plan.changes.map((change) => [change.action, change.summary])).toEqual([
      ['PutMetricFilter', expect.stringContaining(`${MANAGED_PREFIX}CloudWatch.1 on trail-logs: pattern drifted from`)],
      ['PutMetricAlarm', `alarm ${MANAGED_PREFIX}CloudWatch.2: update actions`],
    ])
  })

  it('keeps unmanaged filters and their alarms and reports them', () => {
    const observed = emptyAccount()
    observed.filters.push({name: 'root-usage', pattern: '{ $.userIdentity.type = "Root" }', namespace: 'Custom', metricName: 'root'})
    observed.alarms.push({name: 'root-alarm', namespace: 'Custom', metricName: 'root', actions: [], actionsEnabled: true}, {name: 'cpu', namespace: 'AWS/EC2', metricName: 'CPUUtilization', actions: [], actionsEnabled: true})
    const plan = planAlarms(lakeConfig(), TARGET, observed)
    expect(plan.notes).toEqual(expect.arrayContaining(['kept 1 metric filter(s) on trail-logs that lakegov does not manage: root-usage', 'kept 1 alarm(s) on those filters that lakegov does not manage: root-alarm']))
    expect(plan.changes.some((change) => change.summary.includes('root-usage') || change.summary.includes('root-alarm'))).toBe(false)
  })

  it('refuses, before writing, a plan that would take the log group over 100 filters', () => {
    const observed = emptyAccount()
    const desired = planAlarms(lakeConfig(), TARGET, emptyAccount()).changes.filter((change) => change.action === 'PutMetricFilter').length
    const room = METRIC_FILTERS_PER_LOG_GROUP - desired
    observed.filters = Array.from({length: room + 1}, (_, index) => ({name: `other-${index}`, pattern: ''}))
    const plan = planAlarms(lakeConfig(), TARGET, observed)
    expect(plan.changes).toEqual([])
    expect(plan.blocked?.reason).toBe(`trail-logs has ${room + 1} metric filter(s) and the alarms would add ${desired}: over the quota of 100 per log group, which AWS does not raise`)
    // Exactly at the quota is allowed.
    observed.filters.pop()
    expect(planAlarms(lakeConfig(), TARGET, observed).blocked).toBeUndefined()
  })

  it('uses a topic ARN from lake.yaml as is, and does not subscribe an address already subscribed', () => {
    const arn = 'arn:aws:sns:us-east-1:210987654321:shared'
    const observed = {...emptyAccount(), topic: {arn, exists: true, subscriptions: [{protocol: 'email', endpoint: 'SecOps@example.com', pending: false}]}}
    const plan = planAlarms(lakeConfig({topic: arn}), TARGET, observed)
    expect(plan.changes.filter((change) => change.action === 'CreateTopic' || change.action === 'Subscribe')).toEqual([])
    expect(plan.changes.find((change) => change.action === 'PutMetricAlarm')).toMatchObject({alarm: {actions: [arn]}})
  })

  it('blocks, without writing, when lake.yaml names a topic by ARN that does not exist', () => {
    const arn = 'arn:aws:sns:us-east-1:210987654321:shared'
    const plan = planAlarms(lakeConfig({topic: arn}), TARGET, {...emptyAccount(), topic: {arn, exists: false, subscriptions: []}})
    expect(plan.changes).toEqual([])
    expect(plan.blocked?.reason).toBe(`the topic ${arn} (policies/lake.yaml:30) does not exist, or lakegov may not read it`)
  })
})
