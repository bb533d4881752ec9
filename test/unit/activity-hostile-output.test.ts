/* eslint-disable no-control-regex -- these tests look for control characters */
/**
 * Issue 18 for `lakegov activity`: every field of a CloudTrail record is chosen by whoever made the
 * call. Hostile values in the printed fields (principal and session, service, event, source IP,
 * error) and in the summary keys must stay inert in the table, CSV, markdown and JSON outputs.
 */
import MarkdownIt from 'markdown-it'

import type {CloudTrailRecord} from '../../src/core/activity/record'
import {renderEvents, renderReads, renderSummary, type EventsOutput, type ReadsOutput, type SummaryOutput} from '../../src/output/activity'
import {stringifyJson} from '../../src/output/escape'
import {HOSTILE, hostileCloudTrailRecords, parseCsv} from '../support/hostile'

const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const HOSTILE_VALUES = Object.values(HOSTILE)
const WINDOW = {from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z'}

/** One record per hostile value, carried in every field the events table prints. */
const records: CloudTrailRecord[] = [
  ...hostileCloudTrailRecords(),
  ...HOSTILE_VALUES.map((value, index) => ({
    eventTime: `2026-11-20T11:${String(index).padStart(2, '0')}:00Z`,
    userIdentity: {type: 'AssumedRole', arn: `arn:aws:sts::123456789012:assumed-role/Attacker/${value}`, sessionContext: {sessionIssuer: {type: 'Role', arn: 'arn:aws:iam::123456789012:role/Attacker'}}},
    eventSource: value,
    eventName: value,
    awsRegion: 'us-east-1',
    sourceIPAddress: value,
    errorCode: value,
    eventID: `20000000-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`,
  })),
]
const events: EventsOutput = {engine: 'local', window: WINDOW, regions: ['us-east-1'], reason: 'test', events: records, skipped: []}
const summary: SummaryOutput = {
  engine: 'local',
  window: WINDOW,
  regions: ['us-east-1'],
  reason: 'test',
  by: 'useragent',
  total: HOSTILE_VALUES.length,
  rows: HOSTILE_VALUES.map((key) => ({key, count: 1, share: 1 / HOSTILE_VALUES.length, firstSeen: WINDOW.from, lastSeen: WINDOW.from})),
  skipped: [],
}

/** Reads whose principal, table and source IPs carry the hostile values (a role or table name is someone's choice). */
const reads: ReadsOutput = {
  engine: 'local',
  window: WINDOW,
  regions: ['us-east-1'],
  reason: 'test',
  banner: null,
  rows: HOSTILE_VALUES.map((value) => ({principal: value, table: value, engine: 'athena', path: 'direct-s3', count: 1, firstRead: WINDOW.from, lastRead: WINDOW.from, sourceIps: [value], expected: null})),
}

describe('activity outputs over hostile CloudTrail records (issue 18)', () => {
  it.each([
    ['events', () => renderEvents(events, 'table')],
    ['summary', () => renderSummary(summary, 'table')],
    ['reads', () => renderReads(reads, 'table')],
  ])('the %s table holds no terminal control, and one line per row', (name, render) => {
    const text = render()
    expect(text).not.toMatch(TERMINAL_ACTIVE)
    // Header, rows, blank line and the closing line: no value forged a line of its own.
    const expectedRows = {events: records.length, summary: summary.rows.length, reads: reads.rows.length}[name]!
    expect(text.split('\n')).toHaveLength(expectedRows + 3)
    expect(text).toContain('\\x1b]8;;https://evil.example/')
  })

  it.each([
    ['events', () => renderEvents(events, 'csv'), 8, records.length],
    ['summary', () => renderSummary(summary, 'csv'), 5, summary.rows.length],
    ['reads', () => renderReads(reads, 'csv'), 9, reads.rows.length],
  ])('the %s CSV keeps every value in its field, with no formula', (_name, render, fields, count) => {
    const parsed = parseCsv(render())
    expect(parsed).toHaveLength(count + 1)
    for (const record of parsed) {
      expect(record).toHaveLength(fields)
      for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    }
  })

  it.each([
    ['events', () => renderEvents(events, 'markdown'), 8, records.length],
    ['summary', () => renderSummary(summary, 'markdown'), 5, summary.rows.length],
    ['reads', () => renderReads(reads, 'markdown'), 9, reads.rows.length],
  ])('the %s markdown renders one table cell per field, and no link, image, script or code', (_name, render, fields, count) => {
    const html = new MarkdownIt({html: true, linkify: true}).render(render())
    expect(html).not.toMatch(/<(a|img|script|code)\b/)
    const bodyRows = html.split('<tbody>')[1].split('</tbody>')[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? []
    expect(bodyRows).toHaveLength(count)
    for (const tr of bodyRows) expect(tr.match(/<td/g)).toHaveLength(fields)
  })

  it('JSON keeps the values exact, with terminal-active characters escaped', () => {
    const json = stringifyJson(events)
    expect(json).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/)
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(events)))
  })
})
