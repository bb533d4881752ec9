/**
 * `lakegov report` in a real browser (issues 17 and 18): Debian's chromium, headless, driven by
 * playwright-core, opens the report generated from the sandbox as a file:// URL and checks that it
 * logs no error, requests nothing but itself, has every section, draws each chart with the bars
 * the fixture's ground truth calls for, shows the hostile text as text without running it, and
 * screenshots at desktop and phone widths.
 */
import {existsSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {S3Client} from '@aws-sdk/client-s3'
import {chromium, type Browser} from 'playwright-core'

import type {CloudTrailRecord} from '../support/cloudtrail-fixtures'
import {exampleLakeYaml, parseJson, runCli, sandboxEnvWithCache} from '../support/cli'
import {expectedBarMarks, HOSTILE_EVENT, HOSTILE_PRINCIPAL, REPORT_FROM, REPORT_TO, seedReportFixture} from '../support/report-fixture'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(240_000)

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SECTIONS = ['summary', 'calls-over-time', 'top', 'geography', 'reads', 'anomalies', 'access', 'findings']

let records: CloudTrailRecord[]
let dir: string
let file: string
let browser: Browser

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`)
  await resetSandbox()
  records = await seedReportFixture(new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true}))
  dir = mkdtempSync(path.join(tmpdir(), 'lakegov-report-'))
  writeFileSync(path.join(dir, 'lake.yaml'), exampleLakeYaml())
  file = path.join(dir, 'lake-report.html')
  const env = sandboxEnvWithCache(sandboxEndpoint())
  const result = await runCli(['report', '--engine', 'local', '--from', REPORT_FROM, '--to', REPORT_TO, '--baseline', '2d', '--out', file, '--policies', dir, '--json'], env, dir)
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
  expect(parseJson<{out: string}>(result).out).toBe(file)
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true})
})

afterAll(async () => {
  await browser?.close()
})

async function openReport(viewport: {width: number; height: number}) {
  const page = await browser.newPage({viewport})
  const errors: string[] = []
  const requests: string[] = []
  const dialogs: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('request', (request) => requests.push(request.url()))
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  await page.goto(pathToFileURL(file).href, {waitUntil: 'load'})
  return {page, errors, requests, dialogs}
}

describe('lakegov report in chromium', () => {
  it('loads with no console error and no request but the file itself, with every section', async () => {
    const {page, errors, requests} = await openReport({width: 1280, height: 900})
    expect(errors).toEqual([])
    expect(requests).toEqual([pathToFileURL(file).href])
    const ids = await page.locator('main > section').evaluateAll((sections) => sections.map((section) => section.id))
    expect(ids).toEqual(SECTIONS)
    expect(statSync(file).size).toBeLessThan(2 * 1024 * 1024)
    await page.close()
  })

  it('draws each chart as an SVG with the bars the ground truth calls for', async () => {
    const {page} = await openReport({width: 1280, height: 900})
    const charts = await page.locator('figure.chart').evaluateAll((figures) =>
      figures.map((figure) => ({
        id: figure.id.replace(/^chart-/, ''),
        declared: Number(figure.getAttribute('data-bar-marks')),
        svgs: figure.querySelectorAll('svg').length,
        bars: figure.querySelectorAll('g.mark-rect path').length,
        hasTable: figure.querySelector('details table') !== null,
        title: figure.querySelector('svg')?.textContent ?? '',
      })),
    )
    const truth = expectedBarMarks(records)
    for (const [id, bars] of Object.entries(truth)) {
      const chart = charts.find((entry) => entry.id === id)
      expect({id, bars: chart?.bars}).toEqual({id, bars})
    }
    for (const chart of charts) {
      expect({id: chart.id, svgs: chart.svgs, table: chart.hasTable}).toEqual({id: chart.id, svgs: 1, table: true})
      expect({id: chart.id, bars: chart.bars}).toEqual({id: chart.id, bars: chart.declared})
      expect(chart.title.length).toBeGreaterThan(0)
    }
    await page.close()
  })

  it('shows hostile text as text: no dialog, no script, no image, no injected element', async () => {
    const {page, dialogs, errors} = await openReport({width: 1280, height: 900})
    await page.waitForTimeout(300)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    expect(await page.locator('script').count()).toBe(0)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('[onerror]').count()).toBe(0)
    // The data tables are behind <details>: open them, as a reader would, and read what shows.
    await page.locator('details').evaluateAll((elements) => elements.forEach((element) => element.setAttribute('open', '')))
    const text = await page.locator('main').innerText()
    expect(text).toContain(HOSTILE_PRINCIPAL)
    expect(text).toContain(HOSTILE_EVENT)
    await page.close()
  })

  it('screenshots at desktop and phone widths', async () => {
    const shots = mkdtempSync(path.join(tmpdir(), 'lakegov-shots-'))
    for (const [name, viewport] of [['desktop', {width: 1280, height: 900}], ['phone', {width: 390, height: 844}]] as const) {
      const {page} = await openReport(viewport)
      const target = path.join(shots, `${name}.png`)
      await page.screenshot({path: target, fullPage: true})
      const png = readFileSync(target)
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      expect(png.length).toBeGreaterThan(10_000)
      await page.close()
    }
  })
})

describe('lakegov report when a part cannot be read', () => {
  it('writes the sections it could read, says why the others are missing, exits 0, and with --strict exits with the failure\'s code', async () => {
    const env = sandboxEnvWithCache(sandboxEndpoint())
    // No Glue table: the athena engine cannot read the events (ACTIVITY_NO_TABLE, exit 3).
    const out = path.join(dir, 'partial.md')
    const args = ['report', '--engine', 'athena', '--table', 'no_such_table', '--from', REPORT_FROM, '--to', REPORT_TO, '--format', 'markdown', '--out', out, '--policies', dir]
    const lenient = await runCli([...args, '--json'], env, dir)
    expect(lenient.code).toBe(0)
    const sections = parseJson<{sections: Array<{id: string; unavailable?: {reason: string; fix: string[]}}>}>(lenient).sections
    expect(sections.map((section) => section.id)).toEqual(SECTIONS)
    const missing = sections.filter((section) => section.unavailable).map((section) => section.id)
    expect(missing).toEqual(expect.arrayContaining(['calls-over-time', 'top', 'geography', 'reads', 'anomalies']))
    expect(missing).not.toContain('summary')
    const markdown = readFileSync(out, 'utf8')
    expect(markdown).toContain('**Not available:** The CloudTrail table cloudtrail.no\\_such\\_table does not exist')
    expect(markdown).toContain('lakegov table')
    expect(lenient.stderr).toMatch(/reading events[\s\S]*reading access[\s\S]*rendering markdown/)
    const strict = await runCli([...args, '--strict'], env, dir)
    expect(strict.code).toBe(3)
    expect(existsSync(out)).toBe(true)
  })
})
