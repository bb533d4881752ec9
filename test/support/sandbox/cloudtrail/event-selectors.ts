/**
 * What CloudTrail refuses in PutEventSelectors, and moto 5.2.1 accepts (moto stores any selectors
 * it is given, unchecked). Sources:
 * - botocore cloudtrail/2013-11-01 (service-2.json): PutEventSelectors, AdvancedEventSelector
 *   (FieldSelectors required, min 1; Name up to 1,000), AdvancedFieldSelector (Field required,
 *   pattern [\w|\d|\.|_]+, up to 1,000; each operator a list of 1 or more values of 1 to 2,048),
 *   InvalidEventSelectorsException ("up to 5 event selectors", "a maximum of 500 total values for
 *   all conditions in all advanced event selectors", "limited to 250 data resources", "Specify a
 *   valid value for a parameter ... ReadWriteType").
 * - PutEventSelectors: "You can use either AdvancedEventSelectors or EventSelectors, but not both."
 * - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html:
 *   the fields a trail's selectors support per event category (management: eventCategory, eventSource,
 *   readOnly; data: eventCategory, eventName, eventSource, eventType, resources.type, readOnly,
 *   resources.ARN, sessionCredentialFromConsole, userIdentity.arn; network activity: eventCategory,
 *   eventSource, eventName, errorCode, vpcEndpointId); eventCategory is required and Equals only;
 *   readOnly, eventCategory and resources.type take Equals only; readOnly is true or false; a data
 *   selector needs resources.type.
 * Undocumented, the stricter reading chosen: the error for mixing both kinds or sending neither is
 * InvalidEventSelectorsException (the only selector error PutEventSelectors lists), and a field
 * selector with no operator is refused. resources.type values are not checked against AWS's list.
 */

/** The refusal, or undefined when CloudTrail would accept the selectors. */
export type SelectorRefusal = {code: 'InvalidEventSelectorsException'; message: string} | undefined

const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const
const EQUALS_ONLY = new Set(['readOnly', 'eventCategory', 'resources.type'])
const FIELDS_BY_CATEGORY: Record<string, ReadonlySet<string>> = {
  Management: new Set(['eventCategory', 'eventSource', 'readOnly']),
  Data: new Set(['eventCategory', 'eventName', 'eventSource', 'eventType', 'resources.type', 'readOnly', 'resources.ARN', 'sessionCredentialFromConsole', 'userIdentity.arn']),
  NetworkActivity: new Set(['eventCategory', 'eventSource', 'eventName', 'errorCode', 'vpcEndpointId']),
}
const ALL_FIELDS = new Set(Object.values(FIELDS_BY_CATEGORY).flatMap((fields) => [...fields]))
const READ_WRITE_TYPES = new Set(['ReadOnly', 'WriteOnly', 'All'])
const MAX_BASIC = 5
const MAX_DATA_RESOURCES = 250
const MAX_VALUES = 500

type Json = Record<string, unknown>

function refuse(message: string): SelectorRefusal {
  return {code: 'InvalidEventSelectorsException', message}
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkBasic(selectors: unknown[]): SelectorRefusal {
  if (selectors.length < 1 || selectors.length > MAX_BASIC) return refuse(`A trail can have 1 to ${MAX_BASIC} event selectors; got ${selectors.length}.`)
  let resources = 0
  for (const selector of selectors) {
    if (!isObject(selector)) return refuse('Each event selector must be an object.')
    if (selector.ReadWriteType !== undefined && !READ_WRITE_TYPES.has(String(selector.ReadWriteType))) return refuse(`Invalid ReadWriteType ${String(selector.ReadWriteType)}: use ReadOnly, WriteOnly or All.`)
    for (const resource of Array.isArray(selector.DataResources) ? selector.DataResources : []) resources += isObject(resource) && Array.isArray(resource.Values) ? resource.Values.length : 0
  }
  if (resources > MAX_DATA_RESOURCES) return refuse(`A trail is limited to ${MAX_DATA_RESOURCES} data resources; got ${resources}.`)
  return undefined
}

function checkField(field: unknown): {refusal?: SelectorRefusal; name?: string; values: number; equals?: string[]} {
  if (!isObject(field) || typeof field.Field !== 'string' || field.Field === '') return {refusal: refuse('Each field selector needs a Field.'), values: 0}
  const name = field.Field
  if (name.length > 1000 || !/^[\w|\d|.|_]+$/.test(name)) return {refusal: refuse(`Invalid Field ${name}.`), values: 0}
  if (!ALL_FIELDS.has(name)) return {refusal: refuse(`Field ${name} is not supported on a trail's advanced event selectors.`), values: 0}
  const used = OPERATORS.filter((operator) => field[operator] !== undefined)
  if (used.length === 0) return {refusal: refuse(`Field ${name} has no operator.`), values: 0}
  let values = 0
  for (const operator of used) {
    const list = field[operator]
    if (!Array.isArray(list) || list.length === 0 || list.some((value) => typeof value !== 'string' || value.length < 1 || value.length > 2048)) {
      return {refusal: refuse(`${name} ${operator} needs 1 or more values of 1 to 2,048 characters.`), values: 0}
    }
    values += list.length
  }
  if (EQUALS_ONLY.has(name) && used.some((operator) => operator !== 'Equals')) return {refusal: refuse(`${name} takes only the Equals operator.`), values: 0}
  const equals = Array.isArray(field.Equals) ? (field.Equals as string[]) : undefined
  if (name === 'readOnly' && equals?.some((value) => value !== 'true' && value !== 'false')) return {refusal: refuse('readOnly must be Equals true or false.'), values: 0}
  return {name, values, ...(equals ? {equals} : {})}
}

function checkAdvancedSelector(selector: unknown): {refusal?: SelectorRefusal; values: number} {
  if (!isObject(selector)) return {refusal: refuse('Each advanced event selector must be an object.'), values: 0}
  if (typeof selector.Name === 'string' && selector.Name.length > 1000) return {refusal: refuse('An advanced event selector name is at most 1,000 characters.'), values: 0}
  const fields = selector.FieldSelectors
  if (!Array.isArray(fields) || fields.length === 0) return {refusal: refuse('Each advanced event selector needs FieldSelectors.'), values: 0}
  let values = 0
  const names = new Map<string, string[] | undefined>()
  for (const field of fields) {
    const checked = checkField(field)
    if (checked.refusal) return {refusal: checked.refusal, values: 0}
    names.set(checked.name!, checked.equals)
    values += checked.values
  }
  const categories = names.get('eventCategory')
  if (!names.has('eventCategory') || !categories) return {refusal: refuse('Each advanced event selector needs eventCategory with Equals.'), values: 0}
  for (const category of categories) {
    const allowed = FIELDS_BY_CATEGORY[category]
    if (!allowed) return {refusal: refuse(`Invalid eventCategory ${category}: use Management, Data or NetworkActivity.`), values: 0}
    const extra = [...names.keys()].find((name) => !allowed.has(name))
    if (extra) return {refusal: refuse(`Field ${extra} is not supported for ${category} events.`), values: 0}
    if (category === 'Data' && !names.has('resources.type')) return {refusal: refuse('A data event selector needs resources.type.'), values: 0}
  }
  return {values}
}

function checkAdvanced(selectors: unknown[]): SelectorRefusal {
  let values = 0
  for (const selector of selectors) {
    const checked = checkAdvancedSelector(selector)
    if (checked.refusal) return checked.refusal
    values += checked.values
  }
  if (values > MAX_VALUES) return refuse(`A trail's advanced event selectors can have at most ${MAX_VALUES} values in all conditions; got ${values}.`)
  return undefined
}

/** Checks a PutEventSelectors request as CloudTrail does. */
export function checkPutEventSelectors(input: Json): SelectorRefusal {
  const basic = input.EventSelectors
  const advanced = input.AdvancedEventSelectors
  if (basic !== undefined && advanced !== undefined) return refuse('Use either EventSelectors or AdvancedEventSelectors, not both.')
  if (basic === undefined && advanced === undefined) return refuse('Give EventSelectors or AdvancedEventSelectors.')
  if (basic !== undefined) return Array.isArray(basic) ? checkBasic(basic) : refuse('EventSelectors must be a list.')
  return Array.isArray(advanced) ? checkAdvanced(advanced) : refuse('AdvancedEventSelectors must be a list.')
}

/**
 * The selectors of a trail created without any: "By default, trails created without specific event
 * selectors are configured to log all read and write management events, and no data events"
 * (PutEventSelectors, botocore cloudtrail/2013-11-01). moto returns empty lists instead.
 */
export const DEFAULT_EVENT_SELECTORS = [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}]
