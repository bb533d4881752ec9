import {FilterPatternError, parseFilterPattern} from '../alarms/filter-pattern'
import {CIS_CONTROLS} from '../alarms/cis'
import {LAKE_RULE_NAMES} from '../alarms/lake-rules'
import {ALARM_SETS, DEFAULT_CUSTOM_PERIOD, DEFAULT_CUSTOM_THRESHOLD, type AlarmSet, type AlarmsConfig, type CustomAlarm} from '../alarms/types'

import {COMMERCIAL_REGIONS, DEFAULT_START_DATE, isCalendarDate, unknownRegions, type TableConfig} from '../catalog/table-options'
import type {BucketEncryption, LakeConfig, RegistrationConfig, TrailConfig} from '../lake/config'
import {validateLake} from './lake-validator.generated'
import {schemaIssues} from './schema-issues'
import {readYaml, type SourceRef, type YamlFile, type YamlPath} from './source-map'
import type {PolicyIssue, PolicySource} from './types'

/** Precompiled by `npm run schema` (ajv standalone): no schema is compiled at start. */
const validateSchema = validateLake

/** The result of parsing lake.yaml: the configuration, or every problem in it. */
export type LakeParseResult = {ok: true; config: LakeConfig} | {ok: false; issues: PolicyIssue[]}

/** The default role names, when the file gives none. */
export const DEFAULT_CLOUDWATCH_ROLE = 'lakegov-cloudtrail-logs'
export const DEFAULT_CRAWLER_ROLE = 'lakegov-crawler'

/** Paths whose positions later steps may need, for errors that only AWS can reveal (a missing KMS key). */
const TRACKED: YamlPath[] = [['region'], ['admins'], ['readOnlyAdmins'], ['bucket', 'name'], ['bucket', 'encryption', 'kmsKeyArn'], ['registration'], ['database'], ['trail', 'name'], ['crawler', 'name'], ['alarms']]

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What parsing lake.yaml depends on besides the text. */
export interface LakeParseOptions {
  /** Today, yyyy/MM/dd in UTC: the last day table.start may name. Without it, that check is skipped. */
  today?: string
}

/**
 * Parses and validates policies/lake.yaml. Every problem is reported with its file, line, column
 * and field; nothing here reads files or calls AWS.
 */
export function parseLakeConfig(source: PolicySource, options: LakeParseOptions = {}): LakeParseResult {
  const read = readYaml(source)
  if (!read.ok) return read
  const {file} = read
  const value = read.value ?? {}
  if (!validateSchema(value)) return {ok: false, issues: schemaIssues(file, validateSchema.errors ?? [])}
  const doc = value as unknown as Json
  const issues: PolicyIssue[] = []
  const add = (path: YamlPath, message: string, hint?: string) => issues.push({...file.locate(path), message, ...(hint ? {hint} : {})})

  const bucket = doc.bucket as Json
  const encryption = encryptionOf(bucket.encryption, add)
  const registration = registrationOf(doc.registration as Json, encryption, add)
  const trail = isObject(doc.trail) ? trailOf(doc.trail) : undefined
  const crawler = isObject(doc.crawler)
    ? {
        name: String(doc.crawler.name),
        role: typeof doc.crawler.role === 'string' ? doc.crawler.role : DEFAULT_CRAWLER_ROLE,
        ...(typeof doc.crawler.schedule === 'string' ? {schedule: doc.crawler.schedule} : {}),
      }
    : undefined
  const alarms = isObject(doc.alarms) ? alarmsOf(doc.alarms, file, add) : undefined
  const table = isObject(doc.table) ? tableOf(doc.table, String(doc.region), options.today, add) : undefined
  const athena = isObject(doc.athena) ? (doc.athena as {workgroup?: string; outputLocation?: string}) : undefined
  if (issues.length > 0) return {ok: false, issues}

  const sources: Record<string, SourceRef> = {}
  for (const path of TRACKED) sources[path.join('.')] = file.locate(path)
  return {
    ok: true,
    config: {
      region: String(doc.region),
      admins: (doc.admins as string[] | undefined) ?? [],
      readOnlyAdmins: (doc.readOnlyAdmins as string[] | undefined) ?? [],
      bucket: {
        name: String(bucket.name),
        prefix: bucket.prefix === undefined ? 'AWSLogs/' : String(bucket.prefix),
        encryption: encryption!,
        ...(bucket.retentionDays === undefined ? {} : {retentionDays: Number(bucket.retentionDays)}),
      },
      registration: registration!,
      database: String(doc.database),
      ...(trail ? {trail} : {}),
      ...(crawler ? {crawler} : {}),
      ...(alarms ? {alarms} : {}),
      ...(table ? {table} : {}),
      ...(athena ? {athena: {...(athena.workgroup ? {workgroup: athena.workgroup} : {}), ...(athena.outputLocation ? {outputLocation: athena.outputLocation} : {})}} : {}),
      sources,
    },
  }
}

function encryptionOf(value: unknown, add: (path: YamlPath, message: string, hint?: string) => void): BucketEncryption | undefined {
  if (!isObject(value) || value.type === 'AES256') {
    if (isObject(value) && value.kmsKeyArn !== undefined) add(['bucket', 'encryption', 'kmsKeyArn'], 'kmsKeyArn only applies to type aws:kms')
    return {type: 'AES256'}
  }
  if (typeof value.kmsKeyArn !== 'string') {
    add(['bucket', 'encryption'], 'type aws:kms needs kmsKeyArn', 'name the customer managed key: kmsKeyArn: arn:aws:kms:REGION:ACCOUNT:key/ID (or alias/NAME)')
    return undefined
  }
  return {type: 'aws:kms', kmsKeyArn: value.kmsKeyArn}
}

function registrationOf(value: Json, encryption: BucketEncryption | undefined, add: (path: YamlPath, message: string, hint?: string) => void): RegistrationConfig | undefined {
  const base = registrationBaseOf(value, encryption, add)
  if (!base || typeof value.sourceIdentity !== 'boolean') return base
  if ('useServiceLinkedRole' in base && value.sourceIdentity) {
    // The service-linked role's trust policy cannot be edited, so it can never allow sts:SetSourceIdentity.
    add(['registration', 'sourceIdentity'], 'sourceIdentity needs a registration role: the service-linked role\'s trust policy cannot allow sts:SetSourceIdentity', 'use role: NAME')
    return undefined
  }
  return {...base, sourceIdentity: value.sourceIdentity}
}

function registrationBaseOf(value: Json, encryption: BucketEncryption | undefined, add: (path: YamlPath, message: string, hint?: string) => void): RegistrationConfig | undefined {
  const slr = value.useServiceLinkedRole === true
  if (slr && value.role !== undefined) {
    add(['registration'], 'give either role or useServiceLinkedRole: true, not both')
    return undefined
  }
  if (slr) {
    // AWS-FACTS: a customer managed key needs a custom role; the service-linked role cannot be given the key.
    if (encryption?.type === 'aws:kms') {
      add(['registration', 'useServiceLinkedRole'], 'the service-linked role cannot use a customer managed KMS key', 'use role: NAME, so that lakegov can give the role kms:Decrypt on the key')
      return undefined
    }
    return {useServiceLinkedRole: true}
  }
  if (typeof value.role !== 'string') {
    add(['registration'], 'registration needs role: NAME or useServiceLinkedRole: true')
    return undefined
  }
  return {role: value.role}
}

/**
 * The table section, checked as `lakegov table` checks its flags: real days up to today, and
 * regions from the SDK's list (a region outside it would point the table at a prefix no trail
 * writes to). Shapes and patterns are the schema's.
 */
function tableOf(value: Json, lakeRegion: string, today: string | undefined, add: (path: YamlPath, message: string, hint?: string) => void): TableConfig {
  const start = typeof value.start === 'string' ? value.start : undefined
  if (start !== undefined && !isCalendarDate(start)) add(['table', 'start'], `${start} is not a day of the calendar`, `use yyyy/MM/dd, for example start: ${DEFAULT_START_DATE}`)
  else if (start !== undefined && today !== undefined && start > today) {
    add(['table', 'start'], `${start} is in the future (today is ${today}, UTC): the table would read no logs`, `use a day up to today, for example start: ${DEFAULT_START_DATE}`)
  }
  const listed = Array.isArray(value.regions) ? value.regions.map(String) : undefined
  const bad = new Set(unknownRegions(listed ?? [], lakeRegion))
  listed?.forEach((region, index) => {
    if (bad.has(region)) add(['table', 'regions', index], `${region} is not an AWS region`, `use regions of the lake's partition, or regions: all for these ${COMMERCIAL_REGIONS.length}: ${COMMERCIAL_REGIONS.join(', ')}`)
  })
  const regions = value.regions === 'all' ? [...COMMERCIAL_REGIONS] : listed && [...listed].sort()
  const accounts = Array.isArray(value.accounts) ? value.accounts.map(String).sort() : undefined
  return {
    ...(typeof value.name === 'string' ? {name: value.name} : {}),
    ...(start ? {startDate: start} : {}),
    ...(regions ? {regions} : {}),
    ...(accounts ? {accounts} : {}),
    ...(typeof value.organizationId === 'string' ? {organizationId: value.organizationId} : {}),
  }
}

function trailOf(value: Json): TrailConfig {
  return {
    name: String(value.name),
    multiRegion: value.multiRegion !== false,
    logFileValidation: value.logFileValidation !== false,
    ...(typeof value.cloudWatchLogGroup === 'string' ? {cloudWatchLogGroup: value.cloudWatchLogGroup} : {}),
    cloudWatchRole: typeof value.cloudWatchRole === 'string' ? value.cloudWatchRole : DEFAULT_CLOUDWATCH_ROLE,
    ...(isObject(value.dataEvents) && typeof value.dataEvents.logReads === 'boolean' ? {dataEvents: {logReads: value.dataEvents.logReads}} : {}),
  }
}

/**
 * The alarms section. Each custom pattern is parsed as AWS would (see core/alarms/filter-pattern),
 * so that a malformed one is reported at its lake.yaml line before anything reads or changes AWS.
 */
function alarmsOf(value: Json, file: YamlFile, add: (path: YamlPath, message: string, hint?: string) => void): AlarmsConfig {
  const custom: CustomAlarm[] = []
  const builtIn = new Set<string>([...CIS_CONTROLS.map((control) => control.id), ...LAKE_RULE_NAMES])
  const names = new Set<string>(builtIn)
  const entries = Array.isArray(value.custom) ? (value.custom as Json[]) : []
  entries.forEach((entry, index) => {
    const path = ['alarms', 'custom', index]
    const name = String(entry.name)
    const pattern = String(entry.pattern)
    if (names.has(name)) add([...path, 'name'], `the alarm name ${name} is already used${builtIn.has(name) ? ' by a built-in filter' : ' by another custom alarm'}`)
    names.add(name)
    try {
      parseFilterPattern(pattern)
    } catch (error) {
      if (!(error instanceof FilterPatternError)) throw error
      add([...path, 'pattern'], `invalid filter pattern: ${error.message}`, 'see "Filter pattern syntax" in the CloudWatch Logs user guide; lakegov alarms test evaluates the pattern offline')
    }
    custom.push({
      name,
      pattern,
      threshold: typeof entry.threshold === 'number' ? entry.threshold : DEFAULT_CUSTOM_THRESHOLD,
      period: typeof entry.period === 'number' ? entry.period : DEFAULT_CUSTOM_PERIOD,
      source: file.locate([...path, 'pattern']),
    })
  })
  return {
    ...(typeof value.topic === 'string' ? {topic: value.topic} : {}),
    email: (value.email as string[] | undefined) ?? [],
    sets: (value.sets as AlarmSet[] | undefined) ?? [...ALARM_SETS],
    ...(isObject(value.volume) ? {volume: {anomalyBand: Number(value.volume.anomalyBand)}} : {}),
    custom,
  }
}
