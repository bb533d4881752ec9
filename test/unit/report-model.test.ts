import {foldActivity, OTHER, TIMELINE_SERVICES} from '../../src/core/report/activity'
import type {Anomaly} from '../../src/core/activity/anomalies'
import {ANOMALY_ROWS, buildReport, principalLabels} from '../../src/core/report/build'
import {buildChart, PALETTE} from '../../src/core/report/charts'
import {SECTION_IDS, unavailableSections, type ChartModel, type TableBlock} from '../../src/core/report/model'
import {HOSTILE_NAME, smallReportInputs, smallReportModel} from '../support/report-model'

function chartsOf(model = smallReportModel()): ChartModel[] {
  return model.sections.flatMap((section) => section.blocks.flatMap((block) => (block.kind === 'chart' ? [block.chart] : [])))
}

describe('chart specs', () => {
  it('a stacked bar chart with a line: one bar per non-zero value, colours from the palette, titles on both axes', () => {
    const chart = buildChart({id: 'c', title: 'Calls', xTitle: 'Day', yTitle: 'Calls', categories: ['d1', 'd2'], bars: [{name: 'a', values: [1, 0]}, {name: 'b', values: [2, 3]}], line: {name: 'Failed', values: [0, 1]}})
    expect(chart.barMarks).toBe(3)
    const spec = chart.spec as {title: string; layer: Array<{data: {values: unknown[]}; mark: {type: string}; encoding: Record<string, {title?: string; scale?: {range: string[]}}>}>}
    expect(spec.title).toBe('Calls')
    expect(spec.layer.map((layer) => layer.mark.type)).toEqual(['bar', 'line'])
    expect(spec.layer[0].data.values).toEqual([
      {category: 'd1', series: 'a', value: 1},
      {category: 'd1', series: 'b', value: 2},
      {category: 'd2', series: 'b', value: 3},
    ])
    expect(spec.layer[0].encoding.x.title).toBe('Day')
    expect(spec.layer[0].encoding.y.title).toBe('Calls')
    expect(spec.layer[0].encoding.color.scale?.range).toEqual(PALETTE.slice(0, 2))
    expect(spec.layer[1].data.values).toHaveLength(2)
    expect(chart.table.rows).toEqual([['d1', 1, 2, 0], ['d2', 0, 3, 1]])
  })

  it('a horizontal chart puts the categories on y', () => {
    const spec = buildChart({id: 'h', title: 'T', xTitle: 'Service', yTitle: 'Calls', categories: ['s'], bars: [{name: 'Calls', values: [4]}], horizontal: true}).spec as {encoding: Record<string, {field: string}>}
    expect(spec.encoding.y.field).toBe('category')
    expect(spec.encoding.x.field).toBe('value')
  })

  it('the palette is Okabe-Ito, without black', () => {
    expect(PALETTE).toContain('#0072B2')
    expect(PALETTE).not.toContain('#000000')
  })
})

describe('activity figures', () => {
  const record = (id: number, service: string, time: string, errorCode?: string) => ({eventID: `e${id}`, eventTime: time, eventSource: service, eventName: 'X', awsRegion: 'us-east-1', sourceIPAddress: '8.8.8.8', userIdentity: {arn: 'arn:aws:iam::1:user/a'}, ...(errorCode ? {errorCode} : {})})

  it('draws per hour up to two days and per day beyond', () => {
    expect(foldActivity([], {from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:00Z'}, () => undefined).timeline).toMatchObject({unit: 'hour', buckets: expect.arrayContaining(['2026-11-02T00', '2026-11-03T23'])})
    const daily = foldActivity([], {from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:01Z'}, () => undefined).timeline
    expect(daily.unit).toBe('day')
    expect(daily.buckets).toEqual(['2026-11-02', '2026-11-03', '2026-11-04'])
  })

  it('stacks the top services and the rest as other; counts errors per bucket; error shares in the top lists', () => {
    const window = {from: '2026-11-02T00:00:00Z', to: '2026-11-02T02:00:00Z'}
    const records = Array.from({length: TIMELINE_SERVICES + 2}, (_, index) => Array.from({length: 10 - index}, (__, n) => record(index * 100 + n, `s${index}`, n % 2 ? '2026-11-02T01:00:00Z' : '2026-11-02T00:30:00Z', n === 0 ? 'AccessDenied' : undefined))).flat()
    const figures = foldActivity(records, window, () => undefined)
    expect(figures.timeline.services).toEqual([...Array.from({length: TIMELINE_SERVICES}, (_, index) => `s${index}`), OTHER])
    expect(figures.timeline.counts.at(-1)).toEqual([2 + 2, 2 + 1])
    expect(figures.timeline.errors).toEqual([TIMELINE_SERVICES + 2, 0])
    expect(figures.services[0]).toEqual({key: 's0', count: 10, errors: 1, errorShare: 0.1})
  })
})

describe('the report model', () => {
  it('has the eight sections in the issue\'s order; an unavailable part says why and how to fix it', () => {
    const model = smallReportModel()
    expect(model.sections.map((section) => section.id)).toEqual([...SECTION_IDS])
    const missing = unavailableSections(model)
    expect(missing.map((section) => section.id)).toEqual(['anomalies'])
    expect(missing[0].unavailable).toEqual({reason: expect.stringContaining('AccessDenied'), fix: [expect.stringContaining('--engine local')], exitCode: 4})
    expect(missing[0].blocks).toEqual([])
  })

  it('has the charts of the activity sections, each with its data table', () => {
    const charts = chartsOf()
    expect(charts.map((chart) => chart.id)).toEqual(['calls-over-time', 'top-services', 'top-events', 'top-principals', 'regions', 'countries', 'findings-by-severity'])
    const countries = charts.find((chart) => chart.id === 'countries')
    expect(countries?.table.rows).toEqual([['US', 3], ['AU', 1]])
    expect(charts.find((chart) => chart.id === 'regions')?.barMarks).toBe(2)
  })

  it('marks access never used in the window', () => {
    const access = smallReportModel().sections.find((section) => section.id === 'access')
    const table = access?.blocks.find((block): block is TableBlock => block.kind === 'table')
    expect(table?.rows.map((row) => row.at(-1))).toEqual(['never used in the window', 'used (2 reads, last 2026-11-02T01:15:00Z)'])
  })

  it('links each finding to its rule', () => {
    const findings = smallReportModel().sections.find((section) => section.id === 'findings')
    const [list, rules] = (findings?.blocks ?? []).filter((block): block is TableBlock => block.kind === 'table')
    expect(list.rows[0][1]).toEqual({text: 'LG003', href: 'rule-LG003'})
    expect(rules.rows[0][0]).toEqual({text: 'LG003', anchor: 'rule-LG003'})
  })

  it('lists at most ANOMALY_ROWS anomalies, and says how many there are by rule and how to list them all', () => {
    const anomaly = (index: number, ruleId: string): Anomaly => ({ruleId, severity: 'medium', title: `change ${index}`, resource: `r${index}`, evidence: 'e', events: [`id-${index}`], fingerprint: `f${index}`} as Anomaly)
    const many = [...Array.from({length: ANOMALY_ROWS + 20}, (_, index) => anomaly(index, 'LA007')), anomaly(999, 'LA006')]
    const model = buildReport({...smallReportInputs(), anomalies: {ok: true, value: {anomalies: many, baseline: {from: '2026-10-03T00:00:00Z', to: '2026-11-02T00:00:00Z'}}}})
    const section = model.sections.find((entry) => entry.id === 'anomalies')
    const table = section?.blocks.find((block): block is TableBlock => block.kind === 'table')
    expect(table?.rows).toHaveLength(ANOMALY_ROWS)
    expect(JSON.stringify(section?.blocks)).toContain(`Showing the ${ANOMALY_ROWS} most severe of ${ANOMALY_ROWS + 21} anomalies (LA006 1, LA007 ${ANOMALY_ROWS + 20})`)
    const few = buildReport({...smallReportInputs(), anomalies: {ok: true, value: {anomalies: many.slice(0, 3), baseline: {from: '2026-10-03T00:00:00Z', to: '2026-11-02T00:00:00Z'}}}})
    expect(JSON.stringify(few.sections.find((entry) => entry.id === 'anomalies')?.blocks)).not.toContain('Showing the')
  })

  it('keeps untrusted names as data (the renderers escape them)', () => {
    const summary = JSON.stringify(smallReportModel())
    expect(summary).toContain(HOSTILE_NAME.replace(/"/g, '\\"'))
  })
})

describe('principal labels', () => {
  it('show the role or user and the account instead of an ARN the axis would cut off', () => {
    expect(principalLabels(['arn:aws:iam::123456789012:role/LakeAdmin', 'arn:aws:sts::111122223333:assumed-role/Reader/s1', 'cloudtrail.amazonaws.com'])).toEqual([
      'role/LakeAdmin (123456789012)',
      'assumed-role/Reader/s1 (111122223333)',
      'cloudtrail.amazonaws.com',
    ])
  })

  it('keep the full ARN where a short label would repeat or collide with another key, so each bar stays its own', () => {
    const keys = ['arn:aws:iam::123456789012:role/A', 'arn:aws-us-gov:iam::123456789012:role/A', 'role/B (123456789012)', 'arn:aws:iam::123456789012:role/B']
    expect(principalLabels(keys)).toEqual(keys)
  })
})
