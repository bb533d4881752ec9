import {MAX_PATTERN_LENGTH} from './filter-pattern'
import {READER_RULE_NAME, readerRule} from './readers'

/** One of lakegov's own filters for the log lake. */
export interface LakeRule {
  /** The rule's name, which `alarms test` prints and the alarms step will use for the filter. */
  name: string
  /** What it watches. */
  title: string
  /** The filter pattern. */
  pattern: string
}

/** The lake's values the rules are built from, as lake.yaml declares them. */
export interface LakeRuleInput {
  /** The log bucket. */
  bucket: string
  /** The lake's trail, when lake.yaml declares one. */
  trailName?: string
  /** The bucket's KMS key as lake.yaml names it (key ARN, alias ARN or alias/NAME), when it uses one. */
  kmsKey?: string
  /** The log database. */
  database?: string
  /** The declared readers (core/alarms/readers); undefined when no grants files were read. */
  readers?: readonly string[]
}

/** The rules, and what the builder had to say about them (a rule left out, a scope it could not narrow). */
export interface LakeRules {
  /** The rules, each under AWS's 1,024 characters. */
  rules: LakeRule[]
  /** Notes for the user, one line each. */
  notes: string[]
}

/** The names of the lake rules, which custom alarms may not take. */
export const LAKE_RULE_NAMES = ['lake-permission-changes', 'lake-settings-changes', 'lake-registration-changes', 'lake-trail-changes', 'lake-bucket-changes', 'lake-key-changes', READER_RULE_NAME] as const

const anyOf = (field: string, values: string[]) => `(${values.map((value) => `($.${field} = "${value}")`).join(' || ')})`

/**
 * Builds the `lake` set from lake.yaml's values. Pure. Event names and the request fields they
 * carry come from each service's CloudTrail documentation and API reference: Lake Formation
 * (GrantPermissions, RevokePermissions, BatchGrantPermissions, BatchRevokePermissions,
 * PutDataLakeSettings, RegisterResource, DeregisterResource, UpdateResource), CloudTrail
 * (StopLogging, DeleteTrail and UpdateTrail take `Name`, PutEventSelectors `TrailName`; either is the
 * trail's name or its ARN), S3 (`bucketName`) and KMS (a key's events list the key in `resources`).
 */
export function buildLakeRules(input: LakeRuleInput): LakeRules {
  const notes: string[] = []
  const lakeformation = '($.eventSource = "lakeformation.amazonaws.com")'
  const candidates: LakeRule[] = [
    {
      name: 'lake-permission-changes',
      title: 'Lake Formation permission grants and revokes, single and batch',
      pattern: `{ ${lakeformation} && ${anyOf('eventName', ['GrantPermissions', 'RevokePermissions', 'BatchGrantPermissions', 'BatchRevokePermissions'])} }`,
    },
    {name: 'lake-settings-changes', title: 'Lake Formation data lake settings (admins, default permissions)', pattern: `{ ${lakeformation} && ($.eventName = "PutDataLakeSettings") }`},
    {
      name: 'lake-registration-changes',
      title: 'Lake Formation location registrations',
      pattern: `{ ${lakeformation} && ${anyOf('eventName', ['RegisterResource', 'DeregisterResource', 'UpdateResource'])} }`,
    },
  ]
  if (input.trailName) {
    const trail = input.trailName
    candidates.push({
      name: 'lake-trail-changes',
      title: `the lake's trail ${trail} stopped, deleted or changed`,
      pattern:
        `{ ($.eventSource = "cloudtrail.amazonaws.com") && ${anyOf('eventName', ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'])} && ` +
        `(($.requestParameters.name = "${trail}") || ($.requestParameters.name = "*:trail/${trail}") || ($.requestParameters.trailName = "${trail}") || ($.requestParameters.trailName = "*:trail/${trail}")) }`,
    })
  } else {
    notes.push('lake-trail-changes is left out: lake.yaml declares no trail (CloudWatch.5 in the cis set watches every trail).')
  }
  candidates.push({
    name: 'lake-bucket-changes',
    title: `policy, encryption and public access block changes to the log bucket ${input.bucket}`,
    pattern:
      `{ ($.eventSource = "s3.amazonaws.com") && ${anyOf('eventName', ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'])} && ` +
      `($.requestParameters.bucketName = "${input.bucket}") }`,
  })
  if (input.kmsKey) {
    const keyEvents = `($.eventSource = "kms.amazonaws.com") && ${anyOf('eventName', ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion'])}`
    const isKeyArn = /^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/.+$/.test(input.kmsKey)
    if (!isKeyArn) {
      notes.push(`lake-key-changes watches every KMS key of the account: lake.yaml names the key by alias (${input.kmsKey}), and a key's events carry its key ARN, which only AWS can resolve.`)
    }
    candidates.push({
      name: 'lake-key-changes',
      title: isKeyArn ? `policy changes, disabling or scheduled deletion of the lake's key` : 'policy changes, disabling or scheduled deletion of KMS keys',
      pattern: isKeyArn ? `{ ${keyEvents} && ($.resources[*].ARN = "${input.kmsKey}") }` : `{ ${keyEvents} }`,
    })
  }
  if (input.database) {
    const readers = readerRule(input.readers, input.database)
    notes.push(...readers.notes)
    if (readers.rule) candidates.push(readers.rule)
  }
  const rules: LakeRule[] = []
  for (const rule of candidates) {
    const problem = patternLengthProblem(rule.pattern)
    if (problem) notes.push(`${rule.name} is left out: ${problem}`)
    else rules.push(rule)
  }
  return {rules, notes}
}

/** Says so when a pattern is over AWS's limit of 1,024 characters; undefined when it fits. */
export function patternLengthProblem(pattern: string): string | undefined {
  const length = [...pattern].length
  return length > MAX_PATTERN_LENGTH ? `its pattern has ${length} characters, over AWS's limit of ${MAX_PATTERN_LENGTH}` : undefined
}
