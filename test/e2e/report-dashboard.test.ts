/**
 * `lakegov report --dashboard NAME` against the sandbox (issue 17): the first run creates the
 * dashboard, the second finds it unchanged and does not call PutDashboard (counted by the sandbox),
 * a hand-edited one is put back; a lake.yaml without a log group or alarms still gets a dashboard
 * that says what is missing, and --strict then exits 3.
 */
import {mkdtempSync, writeFileSync, cpSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CloudWatchClient, GetDashboardCommand, PutDashboardCommand} from '@aws-sdk/client-cloudwatch'
import {S3Client} from '@aws-sdk/client-s3'

import {type CliResult, exampleLakeYaml, parseJson, runCli, sandboxEnvWithCache} from '../support/cli'
import {REPORT_FROM, seedReportFixture} from '../support/report-fixture'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'

jest.setTimeout(240_000)

const ROOT = path.resolve(__dirname, '..', '..')
const NAME = 'lake-activity'
/** One seeded day: the report's sections can all be read. */
const TO = '2026-11-03T00:00:00Z'

interface DashboardJson {
  name: string
  action: 'created' | 'updated' | 'unchanged'
  widgets: {text: number; log: number; metric: number}
  missing: Array<{part: string; reason: string; fix: string}>
  validationMessages: unknown[]
}

interface Widget {
  type: string
  properties: {markdown?: string; query?: string; region?: string; metrics?: unknown[][]}
}

let env: NodeJS.ProcessEnv
let policies: string
let cloudwatch: CloudWatchClient

function policiesDir(transform: (lake: string) => string, grants: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-dashboard-'))
  writeFileSync(path.join(dir, 'lake.yaml'), transform(exampleLakeYaml()))
  if (grants) {
    mkdirSync(path.join(dir, 'grants'))
    cpSync(path.join(ROOT, 'policies', 'grants'), path.join(dir, 'grants'), {recursive: true})
  }
  return dir
}

function report(dir: string, extra: string[]): Promise<CliResult> {
  return runCli(['report', '--engine', 'local', '--from', REPORT_FROM, '--to', TO, '--baseline', '1d', '--out', path.join(dir, 'report.html'), '--policies', dir, ...extra], env, dir)
}

async function storedBody(name: string): Promise<string> {
  return (await cloudwatch.send(new GetDashboardCommand({DashboardName: name}))).DashboardBody ?? ''
}

async function putDashboardCalls(): Promise<number> {
  return (await sandboxStats()).services.monitoring?.PutDashboard ?? 0
}

beforeAll(async () => {
  await resetSandbox()
  await seedReportFixture(new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true}))
  env = sandboxEnvWithCache(sandboxEndpoint())
  policies = policiesDir((lake) => lake, true)
  cloudwatch = new CloudWatchClient(sandboxSdkConfig(sandboxEndpoint(), 1))
})

describe('lakegov report --dashboard', () => {
  it('creates the dashboard, finds it unchanged on a second run without calling PutDashboard, and puts back a hand-edited one', async () => {
    const first = await report(policies, ['--dashboard', NAME, '--json'])
    expect({code: first.code, stderr: first.code === 0 ? '' : first.stderr}).toEqual({code: 0, stderr: ''})
    const created = parseJson<{dashboard: DashboardJson}>(first).dashboard
    expect(created).toMatchObject({name: NAME, action: 'created', missing: [], validationMessages: []})
    const body = await storedBody(NAME)
    const widgets = (JSON.parse(body) as {widgets: Widget[]}).widgets

    // The metric widgets are the metric filters of lake.yaml's alarms: `alarms test` lists their patterns, bootstrap names them lakegov-NAME.
    const patterns = parseJson<{patterns: Array<{name: string}>}>(await runCli(['alarms', 'test', '--policies', policies, '--json'], env, policies)).patterns
    const metricNames = widgets.filter((widget) => widget.type === 'metric').map((widget) => widget.properties.metrics?.[0]?.[1])
    expect(metricNames).toEqual([...patterns.map((pattern) => `lakegov-${pattern.name}`), 'lakegov-volume'])
    expect(created.widgets).toEqual({text: 1, log: 2, metric: metricNames.length})
    const logs = widgets.filter((widget) => widget.type === 'log')
    expect(logs.map((widget) => widget.properties.query?.split(' | ')[0])).toEqual(["SOURCE '/lake/cloudtrail'", "SOURCE '/lake/cloudtrail'"])
    expect(widgets[0]).toMatchObject({type: 'text'})
    expect(widgets[0].properties.markdown).toContain('lakegov manages this dashboard')

    const puts = await putDashboardCalls()
    expect(puts).toBe(1)
    const second = await report(policies, ['--dashboard', NAME])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`Dashboard ${NAME}: unchanged`)
    expect(await putDashboardCalls()).toBe(puts)
    expect(await storedBody(NAME)).toBe(body)

    const edited = JSON.parse(body) as {widgets: Widget[]}
    edited.widgets[0].properties.markdown = 'edited in the console'
    edited.widgets.pop()
    await cloudwatch.send(new PutDashboardCommand({DashboardName: NAME, DashboardBody: JSON.stringify(edited, null, 2)}))
    const third = await report(policies, ['--dashboard', NAME, '--json'])
    expect(third.code).toBe(0)
    expect(parseJson<{dashboard: DashboardJson}>(third).dashboard.action).toBe('updated')
    expect(await storedBody(NAME)).toBe(body)
  })

  it('without a log group or alarms, still writes the text widget, says what is missing, and --strict exits 3', async () => {
    const bare = policiesDir((lake) => lake.replace(/^alarms:[\s\S]*$/m, '').replace(/^\s*cloudWatchLogGroup:.*\n/m, ''), false)
    const result = await report(bare, ['--dashboard', 'bare'])
    expect({code: result.code, stderr: result.code === 0 ? '' : result.stderr}).toEqual({code: 0, stderr: ''})
    expect(result.stdout).toMatch(/Dashboard bare: created; 1 widget \(0 Logs Insights, 0 metric, 1 text\)/)
    expect(result.stdout).toMatch(/missing: no Logs Insights widgets: lake\.yaml sets no trail\.cloudWatchLogGroup/)
    expect(result.stdout).toMatch(/missing: no metric widgets: lake\.yaml has no alarms: section/)
    const widgets = (JSON.parse(await storedBody('bare')) as {widgets: Widget[]}).widgets
    expect(widgets.map((widget) => widget.type)).toEqual(['text'])
    expect(widgets[0].properties.markdown).toContain('**Missing:** no Logs Insights widgets')

    const strict = await report(bare, ['--dashboard', 'bare', '--strict', '--json'])
    expect(strict.code).toBe(3)
    const strictJson = parseJson<{dashboard: DashboardJson; sections: Array<{id: string; unavailable?: unknown}>}>(strict)
    // Every section was read: the 3 is the dashboard's.
    expect(strictJson.sections.filter((section) => section.unavailable)).toEqual([])
    expect(strictJson.dashboard).toMatchObject({action: 'unchanged', missing: [{part: 'logs'}, {part: 'metrics'}]})
  })

  it('refuses a name PutDashboard would refuse, before reading anything (exit 64)', async () => {
    const before = (await sandboxStats()).total
    const result = await report(policies, ['--dashboard', 'lake activity'])
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('--dashboard')
    expect((await sandboxStats()).total).toBe(before)
  })
})
