import {gunzipSync} from 'node:zlib'

import {AWS_SAMPLE_RECORDS, type CloudTrailRecord, cloudTrailFileCount, cloudTrailFiles, generateCloudTrail, isManagementEvent} from '../support/cloudtrail-fixtures'

const OPTIONS = {seed: 7, start: '2026-11-29', days: 4, accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'], organizationId: 'o-a1b2c3d4e5', filesPerDay: 6, eventsPerFile: 15}

// CloudTrail User Guide, "CloudTrail log file name format" and "Finding your CloudTrail log files".
const KEY = /^AWSLogs\/(o-[a-z0-9]{10,32}\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]{16}\.json\.gz$/

type Identity = {type?: string; arn?: string; userName?: string; invokedBy?: string; sessionContext?: {sessionIssuer?: {arn?: string}}}
const identityOf = (record: CloudTrailRecord) => (record.userIdentity ?? {}) as Identity

describe('CloudTrail fixture generator', () => {
  const set = generateCloudTrail(OPTIONS)
  const generated = set.files.filter((file) => file.key.startsWith('AWSLogs/o-a1b2c3d4e5/') && !file.records.some((record) => Object.values(AWS_SAMPLE_RECORDS).some((sample) => sample.record === record)))
  const all = set.files.flatMap((file) => file.records)

  it('is deterministic from its seed, byte for byte, and another seed gives other logs', () => {
    const again = generateCloudTrail(OPTIONS)
    expect(again.files.map((file) => file.key)).toEqual(set.files.map((file) => file.key))
    expect(again.files.map((file) => file.body().toString('base64'))).toEqual(set.files.map((file) => file.body().toString('base64')))
    const other = generateCloudTrail({...OPTIONS, seed: 8})
    expect(other.files.map((file) => file.key)).not.toEqual(set.files.map((file) => file.key))
  })

  it('writes the organization trail layout, with the folder matching the name and the delivery time', () => {
    expect(set.files).toHaveLength(cloudTrailFileCount(OPTIONS))
    for (const file of set.files) {
      const match = KEY.exec(file.key)
      expect(match).not.toBeNull()
      const [, org, account, region, y, m, d, nameAccount, nameRegion, ny, nm, nd, hh, mm] = match!
      expect(org).toBe('o-a1b2c3d4e5/')
      expect([nameAccount, nameRegion, `${ny}${nm}${nd}`]).toEqual([account, region, `${y}${m}${d}`])
      expect(file.deliveredAt.slice(0, 16)).toBe(`${y}-${m}-${d}T${hh}:${mm}`)
      expect([file.account, file.region]).toEqual([account, region])
    }
    // Every account, region and day of the window has its deliveries.
    const folders = new Set(generated.map((file) => file.key.split('/').slice(2, 8).join('/')))
    expect(folders.size).toBe(2 * 2 * 4)
  })

  it('gzips {"Records": [...]} holding exactly the file records', () => {
    for (const file of set.files.slice(0, 10)) expect(JSON.parse(gunzipSync(file.body()).toString('utf8'))).toEqual({Records: file.records})
  })

  it('only holds events from before the delivery, some from an earlier day than the file folder', () => {
    let earlierDay = 0
    for (const file of generated) {
      for (const record of file.records) {
        expect(String(record.eventTime) <= file.deliveredAt).toBe(true)
        if (String(record.eventTime).slice(0, 10) < file.deliveredAt.slice(0, 10)) earlierDay += 1
      }
    }
    expect(earlierDay).toBeGreaterThan(0)
  })

  it('delivers some events twice, in another file, and the ground truth holds each event once', () => {
    const seen = new Map<string, string[]>()
    for (const file of set.files) for (const record of file.records) seen.set(String(record.eventID), [...(seen.get(String(record.eventID)) ?? []), file.key])
    const twice = [...seen.values()].filter((keys) => keys.length > 1)
    expect(twice.length).toBeGreaterThan(0)
    for (const keys of twice) expect(new Set(keys).size).toBe(keys.length)
    expect(set.records).toHaveLength(seen.size)
    expect(set.deliveredRecords).toBe(all.length)
    expect(set.deliveredRecords).toBeGreaterThan(set.records.length)
    expect(set.files.reduce((sum, file) => sum + file.redelivered, 0)).toBe(set.deliveredRecords - set.records.length)
  })

  it('records the global services (IAM, STS, sign-in) in us-east-1 only', () => {
    const global = all.filter((record) => ['iam.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com'].includes(String(record.eventSource)))
    expect(global.length).toBeGreaterThan(0)
    for (const file of generated) for (const record of file.records) if (global.includes(record)) expect([file.region, record.awsRegion]).toEqual(['us-east-1', 'us-east-1'])
    for (const file of generated) for (const record of file.records) expect(record.awsRegion).toBe(file.region)
  })

  it('has IAM users, root, AWS services, and roles called through several sessions', () => {
    const types = new Set(all.map((record) => identityOf(record).type))
    expect([...types]).toEqual(expect.arrayContaining(['IAMUser', 'AssumedRole', 'Root', 'AWSService']))
    const sessions = new Map<string, Set<string>>()
    for (const record of all) {
      const identity = identityOf(record)
      const role = identity.sessionContext?.sessionIssuer?.arn
      if (role && identity.arn) sessions.set(role, (sessions.get(role) ?? new Set()).add(identity.arn))
    }
    expect([...sessions.values()].filter((arns) => arns.size >= 2).length).toBeGreaterThanOrEqual(2)
    expect(new Set(all.map((record) => record.eventName)).size).toBeGreaterThanOrEqual(20)
    expect(all.some((record) => String(record.errorCode ?? '').startsWith('AccessDenied'))).toBe(true)
    expect(all.some((record) => String(record.errorCode ?? '').endsWith('UnauthorizedOperation'))).toBe(true)
  })

  it('pairs GetDataAccess with GetObject data events of the same AWSLF- session, and has direct reads without one', () => {
    const vends = all.filter((record) => record.eventName === 'GetDataAccess' && record.errorCode === undefined)
    const reads = all.filter((record) => record.eventName === 'GetObject')
    expect(vends.length).toBeGreaterThan(0)
    for (const read of reads) expect([isManagementEvent(read), read.eventCategory, read.managementEvent]).toEqual([false, 'Data', false])
    const sessions = new Set(vends.map((record) => (record.additionalEventData as {lakeFormationRoleSessionName: string}).lakeFormationRoleSessionName))
    const viaLakeFormation = reads.filter((read) => sessions.has(String(identityOf(read).arn).split('/').pop() ?? ''))
    expect(viaLakeFormation.length).toBeGreaterThan(0)
    for (const read of viaLakeFormation) expect(String(identityOf(read).arn)).toMatch(/\/AWSLF-00-AT-\d{12}-\d{10}$/)
    expect(reads.some((read) => !String(identityOf(read).arn).includes('/AWSLF-'))).toBe(true)
    for (const vend of vends) expect([vend.eventSource, vend.readOnly, isManagementEvent(vend)]).toEqual(['lakeformation.amazonaws.com', true, true])
  })

  it("delivers AWS's published samples verbatim, in files of their own account, region and day", () => {
    for (const {record} of Object.values(AWS_SAMPLE_RECORDS)) {
      const file = set.files.find((candidate) => candidate.records.includes(record))
      expect(file).toBeDefined()
      expect(JSON.parse(gunzipSync(file!.body()).toString('utf8')).Records).toEqual([record])
      expect(file!.key).toContain(`/CloudTrail/${record.awsRegion}/${String(record.eventTime).slice(0, 10).replace(/-/g, '/')}/`)
    }
    expect(AWS_SAMPLE_RECORDS.consoleLoginWithMfa.record.additionalEventData).toMatchObject({MFAUsed: 'Yes'})
    expect(AWS_SAMPLE_RECORDS.consoleLoginWithoutMfa.record.additionalEventData).toMatchObject({MFAUsed: 'No'})
    expect(generateCloudTrail({...OPTIONS, includeAwsSamples: false}).files).toHaveLength(cloudTrailFileCount(OPTIONS) - Object.keys(AWS_SAMPLE_RECORDS).length)
  })

  it('streams file by file the same files it generates in memory', () => {
    const streamed = [...cloudTrailFiles(OPTIONS)].map((file) => file.key).sort()
    expect(streamed).toEqual(set.files.map((file) => file.key))
  })

  it('refuses options it cannot honour', () => {
    expect(() => generateCloudTrail({start: '2026-13-45'})).toThrow(/start must be a date/)
    expect(() => generateCloudTrail({organizationId: 'org-1'})).toThrow(/organizationId/)
    expect(() => generateCloudTrail({accounts: ['12345']})).toThrow(/12-digit/)
  })
})

describe('CloudTrail fixture generator lateness', () => {
  it('keeps every event within maxLateHours (plus the usual 15 minutes) of its delivery', () => {
    for (const maxLateHours of [2, 20]) {
      const set = generateCloudTrail({seed: 5, start: '2026-11-01', days: 3, lateRate: 0.5, maxLateHours, includeAwsSamples: false})
      let late = 0
      for (const file of set.files) {
        for (const record of file.records) {
          const age = Date.parse(file.deliveredAt) - Date.parse(String(record.eventTime))
          // Redelivered records come from the file before, delivered up to a slot earlier.
          if (file.redelivered === 0) expect(age).toBeLessThanOrEqual(maxLateHours * 3_600_000 + 15 * 60_000)
          if (age > 3_600_000) late += 1
        }
      }
      expect(late).toBeGreaterThan(0)
    }
  })
})
