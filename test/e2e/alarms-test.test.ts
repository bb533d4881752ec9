import {mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxStats} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')

interface AlarmsTestOutput {
  events: number
  files: string[]
  patterns: Array<{name: string; pattern: string; matches: string[]; warnings: string[]}>
}

const lakegov = (...args: string[]) => runCli(args, sandboxEnv(sandboxEndpoint()), ROOT)

/** A policies directory holding only lake.yaml with the given alarms section. */
function policiesWith(alarms: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'lakegov-alarms-'))
  writeFileSync(path.join(directory, 'lake.yaml'), `region: us-east-1\nbucket:\n  name: acme-cloudtrail-logs\nregistration:\n  role: reg\ndatabase: cloudtrail\ntrail:\n  name: myTrail2\n${alarms}`)
  return directory
}

describe('lakegov alarms test (e2e)', () => {
  beforeEach(resetSandbox)

  it('names the expected matches of the example lake.yaml\'s patterns in the AWS samples shipped with lakegov, warns, exits 2 and calls no AWS API', async () => {
    const result = await lakegov('alarms', 'test', '--json')
    expect(result.code).toBe(2)
    const output = parseJson<AlarmsTestOutput>(result)
    expect(output.events).toBe(17)
    expect(output.files).toHaveLength(6)
    const byName = new Map(output.patterns.map((pattern) => [pattern.name, pattern]))
    expect(output.patterns.map((pattern) => pattern.name)).toEqual([
      ...Array.from({length: 14}, (_, index) => `CloudWatch.${index + 1}`),
      'lake-permission-changes',
      'lake-settings-changes',
      'lake-registration-changes',
      'lake-trail-changes',
      'lake-bucket-changes',
      'lake-key-changes',
      'lake-undeclared-readers',
      'lake-grant-by-non-admin',
    ])
    expect(byName.get('CloudWatch.1')).toMatchObject({matches: ['deb1e1f9-c99b-4612-8e9f-21f93b5d79c0', 'a4fbbe77-91a0-4238-804a-64314184edb6'], warnings: []})
    expect(byName.get('CloudWatch.3')).toMatchObject({matches: ['3fcfb182-98f8-4744-bd45-10a395ab61cb'], warnings: []})
    expect(byName.get('CloudWatch.5')).toMatchObject({matches: ['b7d4398e-b2f0-4faa-9c76-e2d316a8d67f'], warnings: []})
    expect(byName.get('CloudWatch.6')?.matches).toEqual(['d38ce1b3-4575-4cb8-a632-611b8243bfc3', 'a4fbbe77-91a0-4238-804a-64314184edb6', '11ea990b-4678-4bcd-8fbe-62509088b7cf'])
    expect(byName.get('CloudWatch.7')?.matches).toEqual(['995c4653-3c53-4a06-a0f0-f5531997b741', '3c4226b0-1e81-48a8-a333-7fa5f3cbd118'])
    expect(byName.get('CloudWatch.9')?.matches).toEqual(['6225a85d-1e49-41e9-bf43-3cfc5549e560'])
    expect(byName.get('lake-key-changes')?.matches).toEqual(['995c4653-3c53-4a06-a0f0-f5531997b741', '3c4226b0-1e81-48a8-a333-7fa5f3cbd118', 'c217db1f-903f-4a2f-8f88-9580182d6313'])
    expect(byName.get('CloudWatch.2')).toMatchObject({matches: [], warnings: ['matches none of the 17 events']})
    expect(byName.get('CloudWatch.3')?.pattern).toBe('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }')
    expect(result.stderr).toContain('note: lake-key-changes watches every KMS key of the account')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('prints each pattern with its matches and warnings, and a summary line', async () => {
    const result = await lakegov('alarms', 'test')
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('CloudWatch.3: 1 match\n  pattern: { ($.eventName = "ConsoleLogin")')
    expect(result.stdout).toContain('  matches: 3fcfb182-98f8-4744-bd45-10a395ab61cb\n')
    expect(result.stdout).toContain('CloudWatch.2: no match\n')
    expect(result.stdout).toContain('  warning: matches none of the 17 events')
    expect(result.stdout).toMatch(/22 patterns against 17 events from 6 files: \d+ with warnings\.\n$/)
  })

  it('reads --events DIR recursively (.json and .json.gz, digest files skipped), and warns about the precedence trap and a pattern matching most events', async () => {
    const events = mkdtempSync(path.join(tmpdir(), 'lakegov-events-'))
    const samples = path.join(ROOT, 'samples', 'cloudtrail')
    mkdirSync(path.join(events, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1'), {recursive: true})
    mkdirSync(path.join(events, 'AWSLogs', '111122223333', 'CloudTrail-Digest'), {recursive: true})
    writeFileSync(path.join(events, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', 'sign-in.json.gz'), gzipSync(readFileSync(path.join(samples, 'console-sign-in-events.json'))))
    writeFileSync(path.join(events, 'error.json'), readFileSync(path.join(samples, 'cloudtrail-error-event.json')))
    writeFileSync(path.join(events, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'digest.json.gz'), gzipSync('{"awsAccountId":"111122223333"}'))
    const policies = policiesWith(`alarms:
  sets: []
  custom:
    - name: unauthorized-cis-v2
      pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}'
    - name: sign-in
      pattern: '{ $.eventSource = "signin.amazonaws.com" }'
    - name: lake-trail
      pattern: '{ $.requestParameters.name = myTrail2 }'
      period: 600
`)
    const result = await lakegov('alarms', 'test', '--policies', policies, '--events', events, '--json')
    expect(result.code).toBe(2)
    const output = parseJson<AlarmsTestOutput>(result)
    expect(output.events).toBe(7)
    expect(output.files.map((file) => path.basename(file))).toEqual(['sign-in.json.gz', 'error.json'])
    const [trap, signIn, trail] = output.patterns
    expect(trap.name).toBe('unauthorized-cis-v2')
    expect(trap.warnings[0]).toMatch(/^&& binds tighter than \|\|, so .* applies only to the branch "\(\$\.errorCode="AccessDenied\*"\)"/)
    expect(signIn).toMatchObject({matches: expect.arrayContaining(['3fcfb182-98f8-4744-bd45-10a395ab61cb']), warnings: ['matches 6 of the 7 events, more than half: an alarm on it would fire all the time']})
    expect(trail).toMatchObject({matches: ['b7d4398e-b2f0-4faa-9c76-e2d316a8d67f'], warnings: []})
  })

  it('exits 0 when no pattern warns', async () => {
    const events = mkdtempSync(path.join(tmpdir(), 'lakegov-events-'))
    writeFileSync(path.join(events, 'sign-in.json.gz'), gzipSync(readFileSync(path.join(ROOT, 'samples', 'cloudtrail', 'console-sign-in-events.json'))))
    const policies = policiesWith(`alarms:\n  sets: []\n  custom:\n    - {name: root, pattern: '{ $.userIdentity.type = "Root" }'}\n`)
    const result = await lakegov('alarms', 'test', '--policies', policies, '--events', events, '--json')
    expect(result.code).toBe(0)
    expect(parseJson<AlarmsTestOutput>(result).patterns).toEqual([
      {name: 'root', pattern: '{ $.userIdentity.type = "Root" }', matches: ['deb1e1f9-c99b-4612-8e9f-21f93b5d79c0', 'a4fbbe77-91a0-4238-804a-64314184edb6'], warnings: []},
    ])
  })

  it('exits 3 at the lake.yaml line of a malformed custom pattern, with no AWS call, for alarms test and bootstrap alike', async () => {
    const policies = policiesWith(`alarms:\n  custom:\n    - name: broken\n      pattern: '{ ($.eventName = "ConsoleLogin" }'\n`)
    const file = path.join(policies, 'lake.yaml')
    for (const command of [['alarms', 'test'], ['bootstrap', '--dry-run']]) {
      const result = await lakegov(...command, '--policies', policies)
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(`${file}:12:16: alarms.custom[0].pattern: invalid filter pattern: unbalanced parentheses: this "(" is never closed (at character 3)`)
    }
    const json = parseJson<{error: {code: string; issues: Array<{line: number; field: string}>}}>(await lakegov('alarms', 'test', '--policies', policies, '--json'))
    expect(json.error).toMatchObject({code: 'POLICY_INVALID', issues: [{line: 12, field: 'alarms.custom[0].pattern'}]})
    expect((await sandboxStats()).total).toBe(0)
  })

  it('refuses --events that is not a directory of CloudTrail log files (exit 64)', async () => {
    const missing = await lakegov('alarms', 'test', '--events', path.join(tmpdir(), 'no-such-lakegov-dir'))
    expect(missing.code).toBe(64)
    expect(missing.stderr).toContain('no such directory')
    const notCloudTrail = mkdtempSync(path.join(tmpdir(), 'lakegov-events-'))
    writeFileSync(path.join(notCloudTrail, 'x.json'), '{"items": []}')
    const invalid = await lakegov('alarms', 'test', '--events', notCloudTrail, '--json')
    expect(invalid.code).toBe(64)
    expect(parseJson<{error: {code: string; message: string}}>(invalid).error).toMatchObject({code: 'EVENTS_INVALID', message: expect.stringContaining('x.json is not a CloudTrail log file: it has no "Records" array.')})
  })

  it('ships its sample records in the package (package.json "files")', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {files: string[]; oclif: {topics: Record<string, unknown>}}
    expect(pkg.files).toContain('samples')
    expect(pkg.oclif.topics).toHaveProperty('alarms')
    expect(readdirSync(path.join(ROOT, 'samples', 'cloudtrail')).filter((name) => name.endsWith('.json'))).toHaveLength(6)
  })
})
