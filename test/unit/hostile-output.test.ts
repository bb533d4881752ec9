/* eslint-disable no-control-regex -- these tests look for control characters */
/**
 * Issue 18: hostile names and values run through every output format of `audit access` (table,
 * CSV, markdown, JSON), `audit findings` (text, SARIF) and `grants plan` (text, markdown). Nothing
 * may reach a terminal as a control sequence, leave its CSV field or markdown cell, or become a
 * formula, link, image or HTML.
 */
import MarkdownIt from 'markdown-it'

import type {AccessRow} from '../../src/core/audit/access'
import type {Finding} from '../../src/core/audit/findings'
import {RULES} from '../../src/core/audit/rules'
import {canonicalGrant, type Grant, type Resource} from '../../src/core/model/grant'
import {buildPlan} from '../../src/core/plan/plan'
import {countBySeverity, renderAccessCsv, renderAccessMarkdown, renderAccessTable, renderFindingsText, type AccessReport} from '../../src/output/audit'
import {stringifyJson} from '../../src/output/escape'
import {principalLabels, renderPlanMarkdown, renderPlanText} from '../../src/output/plan'
import {renderPolicyIssues} from '../../src/output/policy-issues'
import {renderSarif} from '../../src/output/sarif'
import {HOSTILE, parseCsv} from '../support/hostile'

const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const HOSTILE_VALUES = Object.values(HOSTILE)
const markdown = new MarkdownIt({html: true, linkify: true})

function row(overrides: Partial<AccessRow>): AccessRow {
  return {
    database: 'cloudtrail',
    table: 'logs',
    principal: 'arn:aws:iam::123456789012:role/Analyst',
    path: 'table-grant',
    columns: 'all',
    via: 'table:cloudtrail.logs',
    permissions: ['SELECT'],
    grantable: false,
    crossAccount: false,
    conditional: false,
    ungoverned: false,
    readsData: true,
    ...overrides,
  }
}

/** One row per hostile value in each field a reader or writer of the account controls. */
const rows: AccessRow[] = HOSTILE_VALUES.flatMap((value) => [
  row({table: value, via: `table:cloudtrail.${value}`}),
  row({principal: value, path: 's3-bypass-iam', ungoverned: true, permissions: ['s3:GetObject']}),
  row({columns: [value, 'eventname'], rowFilter: value, note: value}),
])
const report: AccessReport = {account: '123456789012', region: 'us-east-1', database: 'cloudtrail', tables: rows.length, rows, warnings: []}

describe('audit access over hostile names', () => {
  it('table: nothing a terminal acts on, one line per row', () => {
    const text = renderAccessTable(report)
    expect(text).not.toMatch(TERMINAL_ACTIVE)
    const lines = text.split('\n')
    const header = lines.findIndex((line) => line.startsWith('TABLE'))
    // Banners, blank, header, one line per row, blank, summary.
    expect(lines.slice(header + 1, header + 1 + rows.length).every((line) => line.startsWith('cloudtrail.'))).toBe(true)
    expect(lines).toHaveLength(header + 1 + rows.length + 2)
    expect(text).toContain('\\x1b]8;;https://evil.example/\\x07click here')
    expect(text).toContain('invoice\\u202egpj.exe')
  })

  it('csv: every record keeps its 14 fields, no field is a formula, no terminal escape survives', () => {
    const csv = renderAccessCsv(rows)
    expect(csv).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    const records = parseCsv(csv)
    expect(records).toHaveLength(rows.length + 1)
    for (const record of records) {
      expect(record).toHaveLength(14)
      for (const field of record) expect(field).not.toMatch(/^[=+\-@\t\r]/)
    }
    expect(records.map((record) => record[1])).toContain(`'${HOSTILE.formula}`)
  })

  it('markdown: one table row per access row, seven cells each, no link, image, code or HTML', () => {
    const html = markdown.render(renderAccessMarkdown(report))
    expect(html.match(/<tr>/g)).toHaveLength(rows.length + 1)
    expect(html.match(/<td>/g)).toHaveLength(rows.length * 7)
    expect(html).not.toMatch(/<(a|img|script|code|pre|iframe|svg)\b/i)
    expect(html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;')
    expect(html).toContain('=HYPERLINK(')
    expect(html).toContain('logs|injected | cell')
  })

  it('json: exact data, with terminal-active characters as JSON escapes', () => {
    const json = stringifyJson(report)
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    expect(JSON.parse(json)).toEqual(report)
  })
})

describe('audit findings over hostile names', () => {
  const findings: Finding[] = HOSTILE_VALUES.map((value) => ({
    ruleId: 'LG013',
    severity: 'high',
    title: `Cross-account grant to ${value}`,
    resource: `table:cloudtrail.${value}`,
    principal: value,
    evidence: `${value} holds SELECT.`,
    fix: `Revoke it from ${value}.`,
  }))

  it('text: nothing a terminal acts on, and no forged lines', () => {
    const text = renderFindingsText({account: '123456789012', region: 'us-east-1', database: 'cloudtrail', counts: countBySeverity(findings), findings, warnings: []})
    expect(text).not.toMatch(TERMINAL_ACTIVE)
    expect(text.split('\n').filter((line) => line.startsWith('HIGH'))).toHaveLength(findings.length)
    expect(text.split('\n').some((line) => line.startsWith('ok  '))).toBe(false)
  })

  it('sarif: messages escaped for markdown and embedded links, properties exact', () => {
    const log = renderSarif(findings, RULES, {version: '0.0.0'})
    for (const [index, result] of log.runs[0].results.entries()) {
      expect(result.message.text).not.toMatch(TERMINAL_ACTIVE)
      expect(result.message.text).not.toMatch(/(^|[^\\])[[\]<>`|]/)
      expect(markdown.render(result.message.text)).not.toMatch(/<(a|img|script|code)\b/)
      expect(result.properties.principal).toBe(HOSTILE_VALUES[index])
    }
  })
})

describe('grants plan over hostile names', () => {
  const ACCOUNT = '111122223333'
  const grant = (principal: string, resource: Resource): Grant => canonicalGrant({principal, resource, permissions: ['SELECT'], grantable: []})
  const desired = HOSTILE_VALUES.map((value) => grant(`arn:aws:iam::${ACCOUNT}:role/${value}`, {type: 'table', database: 'cloudtrail', table: value}))
  const current = HOSTILE_VALUES.map((value) => grant(value, {type: 'table', database: 'cloudtrail', table: `old${value}`}))
  const plan = buildPlan({desired, current, scope: {databases: ['cloudtrail'], locations: [], catalog: false, tags: false}, prune: false, account: ACCOUNT, region: 'us-east-1'})
  const label = principalLabels(Object.fromEntries(HOSTILE_VALUES.map((value, index) => [`${value}${index}`, `arn:aws:iam::${ACCOUNT}:role/${value}`])))

  it('markdown: the diff and unmanaged blocks stay code blocks, and nothing renders as HTML or a link', () => {
    const text = renderPlanMarkdown(plan, label)
    const html = markdown.render(text)
    expect(html.match(/<pre>/g)).toHaveLength(2)
    expect(html).not.toMatch(/<(a|img|script|iframe|svg)\b/i)
    // Every line of the diff block is a change or a principal heading: no value started a line.
    const diff = html.match(/<pre><code class="language-diff">([\s\S]*?)<\/code><\/pre>/)![1].trimEnd().split('\n')
    expect(diff).toHaveLength(plan.changes.length + new Set(plan.changes.map((change) => change.principal)).size)
    for (const line of diff) expect(line).toMatch(/^[#+!-] /)
    expect(text).not.toMatch(TERMINAL_ACTIVE)
  })

  it('text: nothing a terminal acts on, one line per change', () => {
    const text = renderPlanText(plan, label)
    expect(text).not.toMatch(TERMINAL_ACTIVE)
    expect(text.split('\n').filter((line) => /^ {2}\+ /.test(line))).toHaveLength(plan.changes.length)
  })
})

describe('policy errors naming hostile values', () => {
  it('show the value escaped in the error line', () => {
    const text = renderPolicyIssues([{file: 'policies/grants/x.yaml', line: 3, column: 5, field: `principals.${HOSTILE.clearScreen}`, message: `unknown principal "${HOSTILE.osc8Hyperlink}"`}])
    expect(text).not.toMatch(TERMINAL_ACTIVE)
    expect(text.split('\n')[0]).toBe('policies/grants/x.yaml:3:5: principals.\\x1b[2J\\x1b[Hall clear: unknown principal "\\x1b]8;;https://evil.example/\\x07click here\\x1b]8;;\\x07"')
  })
})
