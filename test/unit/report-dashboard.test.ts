import {planAlarms, VOLUME_NAME, type ObservedAlarms} from '../../src/core/alarms/plan'
import {READER_RULE_NAME} from '../../src/core/alarms/readers'
import type {LakeConfig} from '../../src/core/lake/config'
import {buildDashboard, canonicalJson, checkDashboardName, dashboardAction, serializeDashboardBody, type DashboardWidget} from '../../src/core/report/dashboard'
import type {ReportModel} from '../../src/core/report/model'
import {strictExitCode} from '../../src/core/report/result'
import {renderDashboardResult} from '../../src/output/report-dashboard'

const SOURCE = {file: 'policies/lake.yaml', line: 30, column: 1, field: 'alarms'}
const READERS = ['arn:aws:iam::123456789012:role/Analyst']
const SOURCE_CUSTOM = {file: 'policies/lake.yaml', line: 40, column: 7, field: 'alarms.custom'}

/** null: no alarms section / no log group. */
function lakeConfig(alarms: Partial<NonNullable<LakeConfig['alarms']>> | null = {}, logGroup: string | null = '/lake/cloudtrail'): LakeConfig {
  return {
    region: 'eu-west-1',
    admins: [],
    readOnlyAdmins: [],
    bucket: {name: 'logs', prefix: 'AWSLogs/', encryption: {type: 'AES256'}},
    registration: {useServiceLinkedRole: true},
    database: 'cloudtrail',
    trail: {name: 'lake-trail', multiRegion: true, logFileValidation: true, cloudWatchRole: 'cw', ...(logGroup ? {cloudWatchLogGroup: logGroup} : {})},
    ...(alarms ? {alarms: {email: [], sets: ['cis', 'lake'], custom: [], ...alarms}} : {}),
    sources: {alarms: SOURCE},
  }
}

const FULL = lakeConfig({volume: {anomalyBand: 2}, custom: [{name: 'big-grant', pattern: '{ $.eventName = "Grant*" }', threshold: 5, period: 600, source: SOURCE_CUSTOM}]})

/** The metric filters bootstrap's planner would create on an empty account: the ground truth of the metric widgets. */
function plannedFilters(config: LakeConfig, readers?: string[]): Array<{name: string; namespace: string}> {
  const empty: ObservedAlarms = {logGroupExists: true, filters: [], alarms: [], topic: {arn: 'arn:aws:sns:eu-west-1:123456789012:t', exists: true, subscriptions: []}, anomalyDetectors: []}
  return planAlarms(config, {account: '123456789012', region: config.region, partition: 'aws'}, empty, readers).changes.flatMap((change) => (change.action === 'PutMetricFilter' ? [{name: change.filter.name, namespace: change.filter.namespace}] : []))
}

function ofType<T extends DashboardWidget['type']>(widgets: DashboardWidget[], type: T): Array<Extract<DashboardWidget, {type: T}>> {
  return widgets.filter((widget): widget is Extract<DashboardWidget, {type: T}> => widget.type === type)
}

describe('buildDashboard', () => {
  it('graphs every metric filter the alarms planner manages, one metric widget each, in its namespace and region', () => {
    const {body, gaps} = buildDashboard(FULL, 'lake-activity', READERS)
    const metrics = ofType(body.widgets, 'metric')
    const planned = plannedFilters(FULL, READERS)
    expect(planned.length).toBeGreaterThan(14)
    expect(metrics.map((widget) => [widget.properties.metrics[0][0], widget.properties.metrics[0][1]])).toEqual(planned.map((filter) => [filter.namespace, filter.name]))
    expect(new Set(metrics.map((widget) => widget.properties.region))).toEqual(new Set(['eu-west-1']))
    expect(gaps).toEqual([])
  })

  it('draws each static alarm\'s threshold and period, and the volume metric with its anomaly band', () => {
    const metrics = ofType(buildDashboard(FULL, 'd', READERS).body.widgets, 'metric')
    const custom = metrics.find((widget) => widget.properties.metrics[0][1] === 'lakegov-big-grant')
    expect(custom?.properties).toMatchObject({stat: 'Sum', period: 600, annotations: {horizontal: [{value: 5}]}})
    const root = metrics.find((widget) => widget.properties.title.startsWith('CloudWatch.1:'))
    expect(root?.properties).toMatchObject({period: 300, annotations: {horizontal: [{value: 1}]}})
    const volume = metrics.find((widget) => widget.properties.metrics[0][1] === VOLUME_NAME)
    expect(volume?.properties.annotations).toBeUndefined()
    expect(volume?.properties.metrics[1]).toEqual([{expression: 'ANOMALY_DETECTION_BAND(m1, 2)', id: 'ad1', label: 'expected range'}])
    expect(volume?.properties.metrics[0][2]).toMatchObject({id: 'm1'})
  })

  it('includes the reader rule\'s widget exactly when the declared readers are known, as bootstrap does', () => {
    const names = (readers?: string[]) => ofType(buildDashboard(FULL, 'd', readers).body.widgets, 'metric').map((widget) => widget.properties.metrics[0][1])
    expect(names(READERS)).toContain(`lakegov-${READER_RULE_NAME}`)
    expect(names(undefined)).not.toContain(`lakegov-${READER_RULE_NAME}`)
    expect(names(undefined)).toEqual(plannedFilters(FULL).map((filter) => filter.name))
  })

  it('queries the trail\'s log group with Logs Insights: top events and errors, in the log widget syntax', () => {
    const logs = ofType(buildDashboard(FULL, 'd', READERS).body.widgets, 'log')
    expect(logs.map((widget) => widget.properties.title)).toEqual(['Top events', 'Errors'])
    for (const widget of logs) {
      expect(widget.properties.region).toBe('eu-west-1')
      // "SOURCE 'group' | query", lines separated by "\n|" (Dashboard Body Structure, log widget).
      expect(widget.properties.query).toMatch(/^SOURCE '\/lake\/cloudtrail' \| stats|^SOURCE '\/lake\/cloudtrail' \| filter/)
      expect(widget.properties.query.split('\n').slice(1).every((line) => line.startsWith('| '))).toBe(true)
    }
    expect(logs[1].properties.query).toContain('filter ispresent(errorCode)')
  })

  it('opens with a text widget across the grid saying lakegov manages the dashboard', () => {
    const [first] = buildDashboard(FULL, 'lake-activity', READERS).body.widgets
    expect(first).toMatchObject({type: 'text', x: 0, y: 0, width: 24})
    if (first.type !== 'text') throw new Error('not text')
    expect(first.properties.markdown).toContain('lakegov manages this dashboard')
    expect(first.properties.markdown).toContain('lakegov report --dashboard lake-activity')
  })

  it.each([
    ['no log group', lakeConfig({}, null), ['logs', 'metrics'], {text: 1, log: 0, metric: 0}],
    ['no alarms section', lakeConfig(null), ['metrics'], {text: 1, log: 2, metric: 0}],
    ['neither', lakeConfig(null, null), ['logs', 'metrics'], {text: 1, log: 0, metric: 0}],
  ])('with %s, keeps what it can and says what is missing, in the result and on the dashboard', (_label, config, parts, counts) => {
    const {body, gaps} = buildDashboard(config, 'd')
    expect(gaps.map((gap) => gap.part)).toEqual(parts)
    expect({text: ofType(body.widgets, 'text').length, log: ofType(body.widgets, 'log').length, metric: ofType(body.widgets, 'metric').length}).toEqual(counts)
    const markdown = ofType(body.widgets, 'text')[0].properties.markdown
    for (const gap of gaps) expect(markdown).toContain(gap.reason)
    for (const gap of gaps) expect(gap.fix).toMatch(/lake\.yaml/)
  })

  it.each([
    ['full', FULL],
    ['no log group', lakeConfig({}, null)],
    ['no alarms', lakeConfig(null)],
  ])('%s: follows the body structure AWS documents, on the 24-column grid, with no two widgets overlapping', (_label, config) => {
    const body = JSON.parse(serializeDashboardBody(buildDashboard(config, 'd', READERS).body)) as {widgets: Array<Record<string, unknown> & {x: number; y: number; width: number; height: number; type: string; properties: Record<string, unknown>}>}
    expect(Array.isArray(body.widgets)).toBe(true)
    expect(body.widgets.length).toBeLessThanOrEqual(500)
    for (const widget of body.widgets) {
      expect(['metric', 'text', 'log', 'alarm', 'explorer']).toContain(widget.type)
      expect(widget.x).toBeGreaterThanOrEqual(0)
      expect(widget.x).toBeLessThanOrEqual(23)
      expect(widget.width).toBeGreaterThanOrEqual(1)
      expect(widget.x + widget.width).toBeLessThanOrEqual(24)
      expect(widget.height).toBeGreaterThanOrEqual(1)
      const required = {text: ['markdown'], log: ['query', 'region'], metric: ['metrics', 'region']}[widget.type as 'text' | 'log' | 'metric']
      for (const field of required) expect(widget.properties[field]).toBeDefined()
    }
    for (const [i, a] of body.widgets.entries()) {
      for (const b of body.widgets.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
        expect({a: [a.x, a.y], b: [b.x, b.y], apart}).toEqual({a: [a.x, a.y], b: [b.x, b.y], apart: true})
      }
    }
  })

  it('builds the same body twice, so that a second run has nothing to write', () => {
    expect(serializeDashboardBody(buildDashboard(FULL, 'd', READERS).body)).toBe(serializeDashboardBody(buildDashboard(FULL, 'd', READERS).body))
  })
})

describe('dashboardAction', () => {
  const body = buildDashboard(FULL, 'd', READERS).body

  function shuffled(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(shuffled)
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, shuffled(item)]))
    return value
  }

  it('creates a dashboard that does not exist, and leaves one whose body says the same unchanged', () => {
    expect(dashboardAction(body, undefined)).toBe('created')
    expect(dashboardAction(body, serializeDashboardBody(body))).toBe('unchanged')
    // The console re-indents and may reorder keys: the same JSON value is not a change.
    expect(dashboardAction(body, JSON.stringify(shuffled(body), null, 4))).toBe('unchanged')
  })

  it('updates a body that was edited by hand, lost a widget, reordered its widgets, or does not parse', () => {
    const edited = structuredClone(body)
    if (edited.widgets[0].type === 'text') edited.widgets[0].properties.markdown = 'mine now'
    expect(dashboardAction(body, JSON.stringify(edited))).toBe('updated')
    expect(dashboardAction(body, JSON.stringify({...body, widgets: body.widgets.slice(1)}))).toBe('updated')
    expect(dashboardAction(body, JSON.stringify({...body, widgets: [...body.widgets].reverse()}))).toBe('updated')
    expect(dashboardAction(body, '{"widgets": [')).toBe('updated')
  })

  it('canonicalJson sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({b: 1, a: {d: [3, 1], c: null}})).toBe('{"a":{"c":null,"d":[3,1]},"b":1}')
  })
})

describe('checkDashboardName', () => {
  it.each([
    ['lake-activity', 'lake-activity', true],
    ['Lake_Activity_2', 'Lake_Activity_2', true],
    ['255 characters', 'a'.repeat(255), true],
    ['256 characters', 'a'.repeat(256), false],
    ['empty', '', false],
    ['a space', 'lake activity', false],
    ['a slash', 'lake/activity', false],
    ['a non-ASCII letter', 'läke', false],
  ])(
    '%s (PutDashboard: A-Z, a-z, 0-9, - and _, up to 255)',
    (_label, name, usable) => {
      expect(checkDashboardName(name) === undefined).toBe(usable)
    },
  )
})

describe('strictExitCode', () => {
  const model = (unavailable?: number): ReportModel => ({
    title: 't',
    account: '',
    region: 'eu-west-1',
    window: {from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z'},
    generatedAt: '2026-11-02T00:00:00Z',
    version: '0',
    sections: [{id: 'summary', title: 'Summary', blocks: [], ...(unavailable === undefined ? {} : {unavailable: {reason: 'r', fix: [], exitCode: unavailable}})}],
  })
  const dashboard = (gaps: number) => ({name: 'd', action: 'created' as const, widgets: {text: 1, log: 0, metric: 0}, missing: buildDashboard(lakeConfig(null, null), 'd').gaps.slice(0, gaps), validationMessages: []})

  it('is the first unavailable section\'s code, else 3 for a dashboard lake.yaml leaves incomplete, else nothing', () => {
    expect(strictExitCode(model(4), dashboard(2))).toBe(4)
    expect(strictExitCode(model(), dashboard(1))).toBe(3)
    expect(strictExitCode(model(), dashboard(0))).toBeUndefined()
    expect(strictExitCode(model(), undefined)).toBeUndefined()
  })
})

describe('renderDashboardResult', () => {
  it('says what was done, lists what is missing and PutDashboard\'s warnings, with AWS\'s text escaped', () => {
    const gaps = buildDashboard(lakeConfig(null), 'd').gaps
    const text = renderDashboardResult({
      name: 'lake-activity',
      action: 'unchanged',
      widgets: {text: 1, log: 2, metric: 0},
      missing: gaps,
      validationMessages: [{dataPath: '/widgets/1/properties', message: 'bad \u001b[31mred\u001b[0m'}],
    })
    expect(text).toContain('Dashboard lake-activity: unchanged (PutDashboard not called); 3 widgets (2 Logs Insights, 0 metric, 1 text).')
    expect(text).toContain(`missing: ${gaps[0].reason}`)
    expect(text).toContain('CloudWatch warns: /widgets/1/properties: bad ')
    expect(text).not.toContain('\u001b')
  })
})
