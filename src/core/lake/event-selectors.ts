/**
 * The trail's S3 data events on the log prefix (lake.yaml trail.dataEvents.logReads): one advanced
 * event selector that lakegov owns, recognised by its Name, merged with the selectors the trail has.
 *
 * AWS behaviour relied on (CloudTrail API reference, PutEventSelectors, GetEventSelectors,
 * AdvancedFieldSelector; botocore cloudtrail/2013-11-01):
 * - a trail has either basic EventSelectors or AdvancedEventSelectors; putting advanced ones
 *   overwrites the basic ones, so the basic ones are carried over as advanced equivalents;
 * - a trail created without selectors logs all read and write management events, and no data events;
 * - eventCategory is required with Equals; data selectors need resources.type (Equals); readOnly
 *   takes Equals true or false; resources.ARN takes StartsWith; at most 500 values in all conditions.
 */
import {compareText} from '../order'
import type {AdvancedEventSelector, AdvancedFieldSelector, BasicEventSelector, ObservedEventSelectors} from './observed'

/** The Name of lakegov's selector: the one selector of the trail lakegov adds, changes or removes. */
export const LOG_READS_SELECTOR_NAME = 'lakegov-log-reads'

/** The console's name for the management events selector lakegov writes when it converts basic selectors. */
export const MANAGEMENT_SELECTOR_NAME = 'Management events selector'

/** What S3 data events cost: USD per 100,000 events delivered (https://aws.amazon.com/cloudtrail/pricing/). */
export const DATA_EVENTS_USD_PER_100K = 0.1

/** The selectors of a trail created without any (CloudTrail's default: every management event). */
export const DEFAULT_SELECTORS: ObservedEventSelectors = {basic: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: []}], advanced: []}

/**
 * Reads of the log objects: S3 object-level data events, read-only (GetObject, HeadObject, ...), on
 * keys under the log location. CloudTrail's own deliveries are writes (PutObject), so they never
 * log events about themselves.
 */
export function logReadsSelector(logArnPrefix: string): AdvancedEventSelector {
  return {
    Name: LOG_READS_SELECTOR_NAME,
    FieldSelectors: [
      {Field: 'eventCategory', Equals: ['Data']},
      {Field: 'resources.type', Equals: ['AWS::S3::Object']},
      {Field: 'readOnly', Equals: ['true']},
      {Field: 'resources.ARN', StartsWith: [logArnPrefix]},
    ],
  }
}

function readOnlyField(readWriteType: string | undefined): AdvancedFieldSelector[] {
  if (readWriteType === 'ReadOnly') return [{Field: 'readOnly', Equals: ['true']}]
  if (readWriteType === 'WriteOnly') return [{Field: 'readOnly', Equals: ['false']}]
  return []
}

/** ARN values of a basic data resource that mean "every resource of the type" (CloudTrail API reference, DataResource). */
function isWholeType(value: string): boolean {
  return /^arn:[^:]+:(s3|lambda|dynamodb)(:::?)?$/.test(value)
}

/** The advanced selectors equivalent to one basic selector (CloudTrail user guide, "Logging data events": basic and advanced). */
export function advancedOf(basic: BasicEventSelector): AdvancedEventSelector[] {
  const out: AdvancedEventSelector[] = []
  if (basic.IncludeManagementEvents !== false) {
    const excluded = basic.ExcludeManagementEventSources ?? []
    out.push({
      Name: MANAGEMENT_SELECTOR_NAME,
      FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}, ...readOnlyField(basic.ReadWriteType), ...(excluded.length > 0 ? [{Field: 'eventSource', NotEquals: excluded}] : [])],
    })
  }
  for (const resource of basic.DataResources ?? []) {
    const values = (resource.Values ?? []).filter((value) => !isWholeType(value))
    const arn: AdvancedFieldSelector[] = values.length === 0 ? [] : [resource.Type === 'AWS::S3::Object' ? {Field: 'resources.ARN', StartsWith: values} : {Field: 'resources.ARN', Equals: values}]
    out.push({FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: [resource.Type ?? '']}, ...readOnlyField(basic.ReadWriteType), ...arn]})
  }
  return out
}

function canonical(selector: AdvancedEventSelector): string {
  const operators = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const
  const fields = selector.FieldSelectors.map((field) => JSON.stringify([field.Field, ...operators.map((operator) => [...(field[operator] ?? [])].sort(compareText))]))
  return JSON.stringify([selector.Name ?? '', fields.sort(compareText)])
}

/** Whether two advanced selectors select the same events under the same name (conditions and values in any order). */
export function sameSelector(a: AdvancedEventSelector, b: AdvancedEventSelector): boolean {
  return canonical(a) === canonical(b)
}

/** The selectors to put, and why; undefined when the trail already has what lake.yaml says. */
export interface SelectorPlan {
  /** The whole list PutEventSelectors sends: the trail's other selectors, kept, and lakegov's. */
  selectors: AdvancedEventSelector[]
  /** For people. */
  summary: string
}

/**
 * Merges lakegov's selector into the trail's: the others are kept (basic ones converted to their
 * advanced equivalents), lakegov's is added, replaced in place, or removed (logReads false).
 */
export function planLogReadsSelectors(current: ObservedEventSelectors, logReads: boolean, logArnPrefix: string): SelectorPlan | undefined {
  const isEmpty = current.basic.length === 0 && current.advanced.length === 0
  const base = isEmpty ? DEFAULT_SELECTORS : current
  const existing = base.advanced.length > 0 ? base.advanced : base.basic.flatMap(advancedOf)
  const converted = base.advanced.length === 0 && base.basic.length > 0
  const index = existing.findIndex((selector) => selector.Name === LOG_READS_SELECTOR_NAME)
  const wanted = logReadsSelector(logArnPrefix)
  const conversion = isEmpty ? "; CloudTrail's default (every management event) kept as an advanced selector" : '; the basic event selectors become their advanced equivalents'
  const kept = converted ? conversion : existing.length - (index >= 0 ? 1 : 0) > 0 ? '; the other selectors kept' : ''
  if (!logReads) {
    if (index < 0) return undefined
    return {selectors: existing.filter((_, at) => at !== index), summary: `remove the S3 data events selector ${LOG_READS_SELECTOR_NAME}${kept}`}
  }
  if (index >= 0 && sameSelector(existing[index], wanted)) return undefined
  const selectors = index >= 0 ? existing.map((selector, at) => (at === index ? wanted : selector)) : [...existing, wanted]
  const cost = `S3 data events cost $${DATA_EVENTS_USD_PER_100K.toFixed(2)} per 100,000 events`
  return {selectors, summary: `${index >= 0 ? 'reset' : 'add'} advanced event selector ${LOG_READS_SELECTOR_NAME}: S3 read data events under ${logArnPrefix} (${cost})${kept}`}
}
