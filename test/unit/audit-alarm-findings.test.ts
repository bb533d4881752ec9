import {CIS_CONTROLS} from '../../src/core/alarms/cis'
import {ALARM_RULES, type AlarmObservation} from '../../src/core/audit/alarm-findings'
import {findingsFromAlarms, RULES, ruleById} from '../../src/core/audit/rules'

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lake-alarms'
const TRAIL_SOURCE = {file: 'policies/lake.yaml', line: 16, column: 3, field: 'trail.name'}

/** A log group holding every CIS filter (under any names) with an alarm notifying a confirmed topic, kept 400 days. */
function compliant(): AlarmObservation {
  return {
    trail: 'lake-trail',
    logGroup: '/lake/cloudtrail',
    logGroupExists: true,
    retentionInDays: 400,
    filters: CIS_CONTROLS.map((control, index) => ({name: `filter-${index}`, pattern: control.pattern, namespace: 'LogMetrics', metricName: `metric-${index}`, value: '1'})),
    alarms: CIS_CONTROLS.map((_, index) => ({name: `alarm-${index}`, namespace: 'LogMetrics', metricName: `metric-${index}`, actions: [TOPIC], actionsEnabled: true})),
    topics: [{arn: TOPIC, subscriptions: [{protocol: 'email', endpoint: 'secops@example.com', pending: false}]}],
  }
}

const ids = (observation: AlarmObservation) => findingsFromAlarms(observation, TRAIL_SOURCE).map((entry) => `${entry.ruleId} ${entry.resource}`)

describe('alarm findings (LG019-LG022)', () => {
  it('are listed with the other rules, so that SARIF and --fail-on know them', () => {
    for (const rule of ALARM_RULES) expect(ruleById(rule.meta.id)).toBe(rule.meta)
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length)
  })

  it('finds nothing on a compliant log group', () => {
    expect(ids(compliant())).toEqual([])
  })

  it('reports a CIS control whose pattern differs by one character, or whose alarm has no action', () => {
    const observation = compliant()
    observation.filters[0].pattern = observation.filters[0].pattern.replace('"Root"', '"root"')
    observation.alarms[2].actions = []
    const findings = findingsFromAlarms(observation, TRAIL_SOURCE)
    expect(findings.map((entry) => `${entry.ruleId} ${entry.resource}`)).toEqual(['LG019 log-group:/lake/cloudtrail:CloudWatch.1', 'LG019 log-group:/lake/cloudtrail:CloudWatch.3', 'LG020 alarm:alarm-2'])
    expect(findings[0].location).toEqual({file: 'policies/lake.yaml', line: 16})
    expect(findings[1].evidence).toBe('Filter filter-2 has the pattern, but no alarm with an action watches its metric.')
  })

  it('reports disabled actions, a topic with only pending subscribers, and retention under a year', () => {
    const observation = compliant()
    observation.alarms[5].actionsEnabled = false
    observation.topics[0].subscriptions = [{protocol: 'email', endpoint: 'secops@example.com', pending: true}]
    observation.retentionInDays = 90
    expect(ids(observation)).toEqual(['LG020 alarm:alarm-5', `LG021 ${TOPIC}`, 'LG022 log-group:/lake/cloudtrail'])
    expect(findingsFromAlarms(observation).find((entry) => entry.ruleId === 'LG021')?.evidence).toBe('Pending confirmation: secops@example.com.')
    // Never expiring is fine.
    delete observation.retentionInDays
    expect(ids(observation)).not.toContain('LG022 log-group:/lake/cloudtrail')
  })

  it('reports one finding for a trail without a log group, rooted at the trail in lake.yaml', () => {
    const findings = findingsFromAlarms({trail: 'lake-trail', logGroupExists: false, filters: [], alarms: [], topics: []}, TRAIL_SOURCE)
    expect(findings.map((entry) => [entry.ruleId, entry.resource, entry.title])).toEqual([['LG019', 'trail/lake-trail', 'No CIS alarm can exist on trail lake-trail: it delivers to no CloudWatch Logs log group']])
  })
})
