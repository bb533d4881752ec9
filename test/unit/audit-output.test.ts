import type {AccessRow} from '../../src/core/audit/access'
import {csvField, renderAccessCsv, renderAccessCsvChunks, renderAccessJsonChunks, renderAccessMarkdown, renderAccessTable, type AccessReport} from '../../src/output/audit'
import {stringifyJson} from '../../src/output/escape'

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

function report(rows: AccessRow[]): AccessReport {
  return {account: '123456789012', region: 'us-east-1', database: 'cloudtrail', tables: 1, rows, warnings: []}
}

describe('audit access renderers', () => {
  const rows = [
    row({principal: 'IAM_ALLOWED_PRINCIPALS', path: 'iam-allowed-principals', ungoverned: true}),
    row({principal: 'arn:aws:iam::123456789012:role/Hoarder', path: 's3-bypass-iam', permissions: ['s3:GetObject'], ungoverned: true}),
    row({principal: 'arn:aws:iam::123456789012:role/lakegov-registration', path: 's3-bypass-iam', permissions: ['s3:GetObject'], expected: 'registration-role'}),
    row({path: 'column-grant', columns: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], rowFilter: "region = 'us-east-1'"}),
  ]

  it('leads the table with IAM_ALLOWED_PRINCIPALS and unexpected S3 readers, not expected ones', () => {
    const lines = renderAccessTable(report(rows)).split('\n')
    expect(lines[0]).toBe('!! IAM_ALLOWED_PRINCIPALS can read 1 table(s): cloudtrail.logs. IAM policies, not Lake Formation, decide who reads them.')
    expect(lines[1]).toBe('!! 1 principal(s) can read the log objects directly from S3, past Lake Formation: arn:aws:iam::123456789012:role/Hoarder.')
    expect(lines[2]).toBe('')
  })

  it('shortens long column lists in the table but keeps them all in CSV', () => {
    expect(renderAccessTable(report(rows))).toContain('a,b,c,d,e,f,... (8 columns)')
    expect(renderAccessCsv(rows)).toContain('a;b;c;d;e;f;g;h')
  })

  it('quotes CSV fields as RFC 4180 says, with CRLF line ends', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    const csv = renderAccessCsv([rows[3]])
    expect(csv.split('\r\n')[1]).toContain(`column-grant,a;b;c;d;e;f;g;h,region = 'us-east-1',SELECT`)
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('escapes pipes in markdown cells and turns banners into warnings', () => {
    const markdown = renderAccessMarkdown(report([row({rowFilter: 'a | b'}), rows[0]]))
    expect(markdown).toContain('> **Warning:** IAM_ALLOWED_PRINCIPALS can read 1 table(s)')
    expect(markdown).toContain('a \\| b')
  })

  it('says so when nobody can read the tables', () => {
    expect(renderAccessTable(report([]))).toBe('No principal can read the 1 table(s) of cloudtrail.')
  })
})

describe('streamed renderers', () => {
  const rows = [
    row({}),
    row({table: 'other', principal: '*', path: 's3-bypass-bucket-policy', conditional: true, reasons: ['StringEquals aws:SourceVpce: the value of aws:SourceVpce is not known'], evidence: [{policy: 'bucket-policy', index: 0, effect: 'Allow', conditional: true}]}),
    row({table: 'other', columns: ['a', 'b'], rowFilter: 'x = "1"\nand y'}),
  ]

  it.each([
    ['no rows', [] as AccessRow[][], []],
    ['one table', [rows.slice(0, 1)], []],
    ['several tables, one of them empty, and warnings', [rows.slice(0, 1), [], rows.slice(1)], ['role/x inline:y: broken', 'another']],
  ])('JSON with %s is byte for byte JSON.stringify(report, null, 2)', (_name, groups, warnings) => {
    const full: AccessReport = {...report(groups.flat()), warnings}
    const {rows: _rows, ...header} = full
    expect([...renderAccessJsonChunks(header, groups)].join('')).toBe(`${stringifyJson(full)}\n`)
  })

  it('CSV chunk by chunk is the whole CSV', () => {
    expect([...renderAccessCsvChunks([rows.slice(0, 1), rows.slice(1)])].join('')).toBe(renderAccessCsv(rows))
  })
})
