/** A small report model for the renderers' unit tests: every section, one unavailable, hostile text in names. */
import type {ReportInputs} from '../../src/core/report/build'
import {buildReport} from '../../src/core/report/build'
import {foldActivity} from '../../src/core/report/activity'
import type {ReportModel} from '../../src/core/report/model'

export const HOSTILE_NAME = 'arn:aws:iam::123456789012:user/<img src=x onerror=alert(1)>|`x`'

function record(id: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {eventID: `e${id}`, eventTime: `2026-11-02T0${id % 3}:15:00Z`, eventSource: 'glue.amazonaws.com', eventName: 'GetTable', awsRegion: 'us-east-1', sourceIPAddress: '8.8.8.8', userIdentity: {arn: 'arn:aws:iam::123456789012:role/Analyst'}, ...fields}
}

/** The inputs: 6 events over 3 hours, one failed, one by a hostile name; the anomalies part unavailable. */
export function smallReportInputs(): ReportInputs {
  const window = {from: '2026-11-02T00:00:00Z', to: '2026-11-02T03:00:00Z'}
  const records = [
    record(0, {}),
    record(1, {errorCode: 'AccessDenied'}),
    record(2, {eventSource: 's3.amazonaws.com', eventName: 'GetObject', sourceIPAddress: 'athena.amazonaws.com'}),
    record(3, {userIdentity: {arn: HOSTILE_NAME}}),
    record(4, {awsRegion: 'eu-west-1', sourceIPAddress: '1.0.0.9'}),
    record(5, {sourceIPAddress: 'AWS Internal'}),
  ]
  const countries: Record<string, string> = {'8.8.8.8': 'US', '1.0.0.9': 'AU'}
  return {
    version: '0.1.0',
    generatedAt: '2026-11-02T03:00:00Z',
    window,
    account: '123456789012',
    region: 'us-east-1',
    activity: {ok: true, value: {figures: foldActivity(records, window, (address) => countries[address]), engine: 'local', geo: {source: {name: '@ip-location-db/geo-whois-asn-country', version: '2.3.2026061719', date: '2026-06-17', licence: 'CC BY 4.0 by the NRO'}}}},
    reads: {ok: true, value: {banner: null, rows: [{principal: HOSTILE_NAME, table: 'cloudtrail.logs', engine: 's3', path: 'direct-s3', count: 2, firstRead: '2026-11-02T00:15:00Z', lastRead: '2026-11-02T01:15:00Z', sourceIps: ['8.8.8.8'], expected: null}]}},
    anomalies: {ok: false, unavailable: {reason: 'Athena refused StartQueryExecution: AccessDenied', fix: ['Grant athena:StartQueryExecution, or use --engine local.'], exitCode: 4}},
    access: {
      ok: true,
      value: {
        rows: [
          {database: 'cloudtrail', table: 'logs', principal: 'arn:aws:iam::123456789012:role/Analyst', path: 'table-grant', columns: 'all', via: 'grant-1', permissions: ['SELECT'], grantable: false, crossAccount: false, conditional: false, ungoverned: false, readsData: true},
          {database: 'cloudtrail', table: 'logs', principal: HOSTILE_NAME, path: 's3-bypass-iam', columns: 'all', via: 'policy', permissions: ['s3:GetObject'], grantable: false, crossAccount: false, conditional: false, ungoverned: true, readsData: true},
        ],
        usage: [
          {principal: 'arn:aws:iam::123456789012:role/Analyst', table: 'cloudtrail.logs', path: 'table-grant', via: 'grant-1', used: false, lastUsed: null, reads: 0},
          {principal: HOSTILE_NAME, table: 'cloudtrail.logs', path: 's3-bypass-iam', via: 'policy', used: true, lastUsed: '2026-11-02T01:15:00Z', reads: 2},
        ],
      },
    },
    findings: {ok: true, value: {findings: [{ruleId: 'LG003', severity: 'high', title: 'S3 bypass', resource: HOSTILE_NAME, evidence: 'reads s3', fix: 'Remove it.'}]}},
  }
}

export function smallReportModel(): ReportModel {
  return buildReport(smallReportInputs())
}
