/**
 * The CloudWatch dashboard of `lakegov report --dashboard NAME` (issue 17), as data. The body
 * follows AWS's "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * a JSON object whose required `widgets` array holds objects with `type`, `x`, `y`, `width`,
 * `height` (on a 24-column grid) and `properties`; a `text` widget carries `markdown`; a `log`
 * widget a Logs Insights `query` that starts with `SOURCE 'group' |`, lines joined by `\n|`, and
 * its `region`; a `metric` widget its `metrics` ([namespace, name, {options}] or
 * [{expression, id}]), `region`, `stat`, `period`, `view` and `annotations`.
 *
 * The metric widgets graph what the alarms planner (core/alarms/plan) manages, from its own
 * `desiredAlarms`: the names, namespace, period and threshold are never worked out twice. The
 * PutDashboard API reference recommends a text widget saying that a script made the dashboard; it
 * is the first widget. Nothing here depends on the time or lakegov's version, so that a second run
 * with the same lake.yaml builds the same body and writes nothing.
 */
import {desiredAlarms, type AlarmSpec} from '../alarms/plan'
import type {LakeConfig} from '../lake/config'
import {compareText} from '../order'

/** A text widget's properties. */
export interface TextProperties {
  /** The markdown shown. */
  markdown: string
}

/** A Logs Insights widget's properties. */
export interface LogProperties {
  /** The widget's title. */
  title: string
  /** The region of the log group. */
  region: string
  /** `SOURCE 'group' | query`, lines joined by `\n|`. */
  query: string
  /** How results show: a table. */
  view: 'table'
}

/** One entry of a metric widget's `metrics`: a metric with its rendering options, or an expression. */
export type MetricEntry = [string, string, Record<string, string>] | [{expression: string; id: string; label: string}]

/** A metric widget's properties. */
export interface MetricProperties {
  /** The widget's title. */
  title: string
  /** The metric's region. */
  region: string
  /** The metrics and expressions graphed. */
  metrics: MetricEntry[]
  /** The statistic of every metric. */
  stat: 'Sum'
  /** Seconds per data point: the alarm's period. */
  period: number
  /** A line graph. */
  view: 'timeSeries'
  /** The alarm's static threshold as a horizontal line. */
  annotations?: {horizontal: Array<{label: string; value: number}>}
  /** Counts start at zero. */
  yAxis: {left: {min: number}}
}

/** One widget of the body. */
export type DashboardWidget = {x: number; y: number; width: number; height: number} & (
  | {type: 'text'; properties: TextProperties}
  | {type: 'log'; properties: LogProperties}
  | {type: 'metric'; properties: MetricProperties}
)

/** The DashboardBody, before it is serialised. */
export interface DashboardBody {
  /** The time range when the dashboard opens: the last seven days. */
  start: string
  /** The widgets, top to bottom. */
  widgets: DashboardWidget[]
}

/** A part of the dashboard lake.yaml gives lakegov nothing to draw. */
export interface DashboardGap {
  /** Which widgets are left out. */
  part: 'logs' | 'metrics'
  /** Why. */
  reason: string
  /** What to change in lake.yaml. */
  fix: string
}

/** The dashboard lakegov wants. */
export interface DesiredDashboard {
  /** The dashboard's name. */
  name: string
  /** The body as data. */
  body: DashboardBody
  /** The parts left out, and why. */
  gaps: DashboardGap[]
}

/** What writing it did: PutDashboard creates or replaces; `unchanged` means it was not called. */
export type DashboardAction = 'created' | 'updated' | 'unchanged'

/** A PutDashboard validation message: the part of the body (DataPath) and what is wrong with it. */
export interface DashboardMessage {
  /** The JSON path in the body, as AWS gives it. */
  dataPath: string
  /** The message. */
  message: string
}

/** What writing the dashboard did (part of `report --json`). */
export interface DashboardResult {
  /** The dashboard's name. */
  name: string
  /** created, updated, or unchanged (PutDashboard not called). */
  action: DashboardAction
  /** Its ARN, when GetDashboard returned one. */
  arn?: string
  /** How many widgets of each kind the body has. */
  widgets: {text: number; log: number; metric: number}
  /** What lake.yaml gives lakegov nothing to draw, and how to fix it. */
  missing: DashboardGap[]
  /** PutDashboard's DashboardValidationMessages: warnings about widgets that may not render. */
  validationMessages: DashboardMessage[]
}

/** PutDashboard API reference: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_"." */
const NAME = /^[A-Za-z0-9_-]{1,255}$/

const GRID = 24
const METRIC_WIDTH = 6
const METRIC_HEIGHT = 6
const TEXT_HEIGHT = 4
const LOG_HEIGHT = 8
/** Rows shown by each Logs Insights widget. */
export const LOG_ROWS = 25

/** Why a dashboard name cannot be used, or undefined when it can. */
export function checkDashboardName(name: string): string | undefined {
  return NAME.test(name) ? undefined : `A dashboard name is 1 to 255 letters, digits, "-" and "_" (PutDashboard); got ${JSON.stringify(name)}.`
}

/** A Logs Insights query on one log group, in the log widget's syntax. */
function logQuery(logGroup: string, lines: string[]): string {
  return [`SOURCE '${logGroup}' | ${lines[0]}`, ...lines.slice(1)].join('\n| ')
}

function logWidgets(logGroup: string, region: string, y: number): DashboardWidget[] {
  const half = GRID / 2
  // CloudTrail delivers each event to CloudWatch Logs as one JSON message, whose fields Logs Insights discovers by name.
  const top = logQuery(logGroup, ['stats count(*) as calls by eventSource, eventName', 'sort calls desc', `limit ${LOG_ROWS}`])
  const errors = logQuery(logGroup, ['filter ispresent(errorCode)', 'stats count(*) as errors by eventSource, eventName, errorCode', 'sort errors desc', `limit ${LOG_ROWS}`])
  return [
    {type: 'log', x: 0, y, width: half, height: LOG_HEIGHT, properties: {title: 'Top events', region, query: top, view: 'table'}},
    {type: 'log', x: half, y, width: half, height: LOG_HEIGHT, properties: {title: 'Errors', region, query: errors, view: 'table'}},
  ]
}

/** The alarm's description without the ownership suffix the planner adds for the console's alarm list. */
function titleOf(alarm: AlarmSpec): string {
  return alarm.description.replace(/\s*\(managed by lakegov\)$/, '')
}

function metricProperties(alarm: AlarmSpec, region: string): MetricProperties {
  const common = {title: titleOf(alarm), region, stat: 'Sum' as const, period: alarm.period, view: 'timeSeries' as const, yAxis: {left: {min: 0}}}
  if (alarm.band !== undefined) {
    // The same band the alarm compares against (core/alarms/plan, alarmInput in src/aws/cloudwatch.ts).
    return {...common, metrics: [[alarm.namespace, alarm.metricName, {id: 'm1', label: alarm.metricName}], [{expression: `ANOMALY_DETECTION_BAND(m1, ${alarm.band})`, id: 'ad1', label: 'expected range'}]]}
  }
  const threshold = alarm.threshold ?? 1
  return {...common, metrics: [[alarm.namespace, alarm.metricName, {label: alarm.metricName}]], annotations: {horizontal: [{label: `alarm at ${threshold} or more`, value: threshold}]}}
}

function metricWidgets(alarms: AlarmSpec[], region: string, y: number): DashboardWidget[] {
  const perRow = GRID / METRIC_WIDTH
  return alarms.map((alarm, index) => ({
    type: 'metric',
    x: (index % perRow) * METRIC_WIDTH,
    y: y + Math.floor(index / perRow) * METRIC_HEIGHT,
    width: METRIC_WIDTH,
    height: METRIC_HEIGHT,
    properties: metricProperties(alarm, region),
  }))
}

function gapsOf(config: LakeConfig): DashboardGap[] {
  const gaps: DashboardGap[] = []
  const logGroup = config.trail?.cloudWatchLogGroup
  const field = config.trail ? 'trail.cloudWatchLogGroup' : 'trail (with cloudWatchLogGroup)'
  if (!logGroup) gaps.push({part: 'logs', reason: `no Logs Insights widgets: lake.yaml sets no ${field}, so the trail delivers to no log group lakegov knows`, fix: `Set ${field} in lake.yaml and run lakegov bootstrap.`})
  if (!config.alarms) gaps.push({part: 'metrics', reason: 'no metric widgets: lake.yaml has no alarms: section, so there are no metric filters to graph', fix: 'Add an alarms: section to lake.yaml and run lakegov bootstrap.'})
  else if (!logGroup) gaps.push({part: 'metrics', reason: `no metric widgets: the alarms' metric filters live on the trail's log group, and lake.yaml sets no ${field}`, fix: `Set ${field} in lake.yaml and run lakegov bootstrap.`})
  return gaps
}

function markdownOf(name: string, logGroup: string | undefined, metrics: number, gaps: DashboardGap[]): string {
  const lines = [
    `# ${name}`,
    `lakegov manages this dashboard: \`lakegov report --dashboard ${name}\` writes it from lake.yaml, and replaces any change made here.`,
  ]
  // The log group matches lake.yaml's schema (letters, digits, _ / . # -), so it cannot end the code span.
  if (logGroup) lines.push(`Top events and errors: Logs Insights on the trail's log group \`${logGroup}\`.`)
  if (metrics > 0) lines.push(`Below them, the ${metrics} metric filter(s) of lake.yaml's alarms, each with its alarm's threshold.`)
  for (const gap of gaps) lines.push(`**Missing:** ${gap.reason}. ${gap.fix}`)
  return lines.join('\n\n')
}

/**
 * The dashboard lake.yaml calls for. `readers` are the declared readers of the log tables (as for
 * bootstrap), so that the reader rule's widget appears exactly when its filter does. A lake.yaml
 * without a log group or alarms still gets the text widget and whatever it allows; `gaps` says what
 * is left out.
 */
export function buildDashboard(config: LakeConfig, name: string, readers?: readonly string[]): DesiredDashboard {
  const region = config.region
  const logGroup = config.trail?.cloudWatchLogGroup
  const gaps = gapsOf(config)
  // The dashboard graphs the alarms' metrics, not their notifications: the topic is not needed.
  const alarms = config.alarms && logGroup ? desiredAlarms(config, '', readers).alarms : []
  const widgets: DashboardWidget[] = [{type: 'text', x: 0, y: 0, width: GRID, height: TEXT_HEIGHT, properties: {markdown: markdownOf(name, logGroup, alarms.length, gaps)}}]
  if (logGroup) widgets.push(...logWidgets(logGroup, region, TEXT_HEIGHT))
  widgets.push(...metricWidgets(alarms, region, TEXT_HEIGHT + (logGroup ? LOG_HEIGHT : 0)))
  return {name, body: {start: '-P7D', widgets}, gaps}
}

/** The body as PutDashboard takes it. */
export function serializeDashboardBody(body: DashboardBody): string {
  return JSON.stringify(body)
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort(compareText)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** JSON text where equal values give equal text: object keys sorted, array order kept (it is the layout). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/**
 * What writing the dashboard takes, given the body GetDashboard returned (undefined when there is
 * none): the stored body is compared as parsed JSON in canonical form, so whitespace and key order
 * (the console re-indents a saved body) are not changes; a body that does not parse is.
 */
export function dashboardAction(desired: DashboardBody, current: string | undefined): DashboardAction {
  if (current === undefined) return 'created'
  let parsed: unknown
  try {
    parsed = JSON.parse(current)
  } catch {
    return 'updated'
  }
  return canonicalJson(parsed) === canonicalJson(desired) ? 'unchanged' : 'updated'
}
