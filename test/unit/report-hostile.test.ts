/* eslint-disable no-control-regex -- these tests look for control characters */
/**
 * Issue 18 for `lakegov report`: the hostile CloudTrail fixture (test/support/hostile.ts), with
 * every hostile value also as a principal, service, event, region and error, goes through the
 * report's core and both renderers, charts included. Nothing may become markup, a link, a terminal
 * control or a table cell of its own.
 */
import MarkdownIt from 'markdown-it'

import type {CloudTrailRecord} from '../../src/core/activity/record'
import {foldActivity} from '../../src/core/report/activity'
import {buildReport} from '../../src/core/report/build'
import {renderReportHtml} from '../../src/output/report-html'
import {renderReportMarkdown} from '../../src/output/report-markdown'
import {renderChartSvgs} from '../../src/output/report-svg'
import {HOSTILE, hostileCloudTrailRecords} from '../support/hostile'
import {smallReportInputs} from '../support/report-model'

const ACTIVE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const WINDOW = {from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z'}
const VALUES = Object.values(HOSTILE)

const records: CloudTrailRecord[] = [
  ...hostileCloudTrailRecords(),
  ...VALUES.map((value, index) => ({
    eventTime: `2026-11-20T12:${String(index).padStart(2, '0')}:00Z`,
    userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${value}`},
    eventSource: value,
    eventName: value,
    awsRegion: value,
    sourceIPAddress: value,
    errorCode: value,
    eventID: `30000000-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`,
  })),
]

function hostileModel() {
  const inputs = smallReportInputs()
  const access = inputs.access.ok ? inputs.access.value : undefined
  return buildReport({
    ...inputs,
    window: WINDOW,
    activity: {ok: true, value: {figures: foldActivity(records, WINDOW, () => undefined), engine: 'local', geo: {missing: 'not looked up in this test'}}},
    reads: {ok: true, value: {banner: null, rows: VALUES.map((value) => ({principal: value, table: value, engine: 's3', path: 'direct-s3', count: 1, firstRead: WINDOW.from, lastRead: WINDOW.from, sourceIps: [value], expected: null}))}},
    ...(access ? {access: {ok: true, value: {...access, rows: access.rows.map((row, index) => ({...row, principal: VALUES[index]}))}}} : {}),
    findings: {ok: true, value: {findings: VALUES.map((value) => ({ruleId: 'LG003', severity: 'high', title: value, resource: value, evidence: value, fix: 'Remove it.'}))}},
  } as ReturnType<typeof smallReportInputs>)
}

describe('the report over hostile CloudTrail records (issue 18)', () => {
  it('HTML: no element, attribute, link or control character comes from the records, charts included', async () => {
    const model = hostileModel()
    const html = renderReportHtml(model, await renderChartSvgs(model))
    // Attribute values are double-quoted and escaped, so this scan sees every real tag and attribute.
    const tags = [...html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*")?)*)\s*\/?>/g)]
    expect(tags.length).toBeGreaterThan(100)
    expect(html.replace(/<\/?[a-zA-Z][\w:-]*(?:\s+[\w:-]+(?:="[^"<]*")?)*\s*\/?>/g, '').replace(/<!doctype html>/i, '')).not.toContain('<')
    const names = new Set(tags.map((tag) => tag[1].toLowerCase()))
    for (const forbidden of ['script', 'img', 'iframe', 'object', 'embed', 'link', 'form', 'foreignobject']) expect(names).not.toContain(forbidden)
    const attributes = tags.flatMap((tag) => [...tag[2].matchAll(/([\w:-]+)(?:="([^"]*)")?/g)].map((match) => ({name: match[1].toLowerCase(), value: match[2] ?? ''})))
    expect(attributes.filter((attribute) => attribute.name.startsWith('on'))).toEqual([])
    expect(attributes.filter((attribute) => /href$/.test(attribute.name) && !attribute.value.startsWith('#'))).toEqual([])
    expect(html).not.toMatch(ACTIVE)
    expect(html).not.toContain('\u001b')
    expect(html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;')
  }, 60_000)

  it('markdown: no HTML, no link and no extra cell comes from the records', () => {
    const markdown = renderReportMarkdown(hostileModel())
    expect(markdown).not.toMatch(ACTIVE)
    const tokens = new MarkdownIt().parse(markdown, {})
    const inline = tokens.flatMap((token) => token.children ?? [])
    expect(inline.filter((token) => token.type === 'html_inline')).toEqual([])
    expect(tokens.filter((token) => token.type === 'html_block')).toEqual([])
    expect(inline.filter((token) => token.type === 'link_open').map((token) => String(token.attrGet('href') ?? '')).filter((href) => !href.startsWith('#'))).toEqual([])
    // Each table keeps one cell per header cell in every row: a pipe in a value cannot open a cell.
    for (let index = 0; index < tokens.length; index++) {
      if (tokens[index].type !== 'table_open') continue
      const close = tokens.findIndex((token, at) => at > index && token.type === 'table_close')
      const rows = tokens.slice(index, close).reduce<number[]>((cells, token) => (token.type === 'tr_open' ? [...cells, 0] : token.type === 'th_open' || token.type === 'td_open' ? [...cells.slice(0, -1), cells[cells.length - 1] + 1] : cells), [])
      expect(new Set(rows).size).toBe(1)
    }
  })
})
