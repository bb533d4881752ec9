import {checkColumnsExist, checkDatabaseExists, checkTableExists} from '../catalog-checks'
import type {OperationContext} from '../context'
import {alreadyExists, entityNotFound, invalidInput, resourceNumberLimitExceeded} from '../errors'
import {paginate} from '../pagination'
import {describeResource, parseResource, resourceKey, tagKeyOf, tagValuesOf, type ParsedResource} from '../resource-shapes'
import type {LakeFormationState} from '../state'
import {type Input, asInput, optionalBoolean, optionalInteger, optionalList, optionalString} from '../validate'

/** LF-tags per account, by default. */
export const MAX_LF_TAGS = 1000
/** Values per LF-tag, by default. */
export const MAX_VALUES_PER_TAG = 1000
/** LF-tags on one database, table or column. */
export const MAX_TAGS_PER_RESOURCE = 50
/** An LFTagsList holds at most 50 tags (the API model's limit), so no ListLFTags page is longer, whatever MaxResults says. */
const LIST_PAGE_LIMIT = 50

/** What an LF-tag is assigned to: Lake Formation tags databases, tables and columns only. */
type Target = {kind: 'database'; database: string} | {kind: 'table'; database: string; table: string} | {kind: 'column'; database: string; table: string; column: string}

function targetKey(target: Target): string {
  switch (target.kind) {
    case 'database':
      return JSON.stringify(['database', target.database])
    case 'table':
      return JSON.stringify(['table', target.database, target.table])
    case 'column':
      return JSON.stringify(['column', target.database, target.table, target.column])
  }
}

function tagNotFound(tagKey: string) {
  return entityNotFound(`Tag key ${tagKey} does not exist.`)
}

/**
 * Checks that an LF-tag and values are declared, for grants on LFTag and LFTagPolicy resources.
 * With `wildcard`, `["*"]` stands for every value. Grants answer InvalidInputException for an
 * unknown key as for an unknown value.
 */
export function checkDeclaredTag(state: LakeFormationState, tagKey: string, values: string[], options: {wildcard: boolean}): void {
  const tag = state.lfTags.get(tagKey)
  if (tag === undefined) throw invalidInput(`LF-tag ${tagKey} does not exist.`)
  if (options.wildcard && values.length === 1 && values[0] === '*') return
  const undeclared = values.filter((value) => !tag.tagValues.has(value))
  if (undeclared.length > 0) throw invalidInput(`LF-tag ${tagKey} has no value ${undeclared.join(', ')}.`)
}

function tagOutput(context: OperationContext, tagKey: string, values: Iterable<string>) {
  return {CatalogId: context.accountId, TagKey: tagKey, TagValues: [...values].sort()}
}

/** Values for CreateLFTag and UpdateLFTag: `*` is the wildcard of grants, so it cannot be a declared value. */
function declarableValues(value: unknown, where: string): string[] {
  const values = tagValuesOf(value, where)
  if (values.includes('*')) throw invalidInput(`${where}: "*" is the wildcard and cannot be an LF-tag value.`)
  return values
}

/** Lake Formation stores LF-tag keys and values lower-cased, so `Team=Audit` and `team=audit` are one tag. */
export function createLFTag(context: OperationContext, input: Input) {
  const tagKey = tagKeyOf(input.TagKey, 'CreateLFTag')
  const values = declarableValues(input.TagValues, 'CreateLFTag')
  if (context.state.lfTags.has(tagKey)) throw alreadyExists(`Tag key ${tagKey} already exists.`)
  if (context.state.lfTags.size >= MAX_LF_TAGS) throw resourceNumberLimitExceeded(`The account already has ${MAX_LF_TAGS} LF-tags.`)
  context.state.lfTags.set(tagKey, {tagKey, tagValues: new Set(values)})
  return {}
}

export function getLFTag(context: OperationContext, input: Input) {
  const tagKey = tagKeyOf(input.TagKey, 'GetLFTag')
  const tag = context.state.lfTags.get(tagKey)
  if (tag === undefined) throw tagNotFound(tagKey)
  return tagOutput(context, tag.tagKey, tag.tagValues)
}

function assignedValues(state: LakeFormationState, tagKey: string): Set<string> {
  const values = new Set<string>()
  for (const tags of state.lfTagAssignments.values()) {
    const value = tags.get(tagKey)
    if (value !== undefined) values.add(value)
  }
  return values
}

/**
 * Adds and deletes values. A value still assigned to a resource cannot be deleted ("Update not
 * allowed"). The 1000-values limit answers InvalidInputException: the API model lists no
 * ResourceNumberLimitExceededException for UpdateLFTag.
 */
export function updateLFTag(context: OperationContext, input: Input) {
  const tagKey = tagKeyOf(input.TagKey, 'UpdateLFTag')
  const toAdd = input.TagValuesToAdd === undefined || input.TagValuesToAdd === null ? [] : declarableValues(input.TagValuesToAdd, 'UpdateLFTag.TagValuesToAdd')
  const toDelete = input.TagValuesToDelete === undefined || input.TagValuesToDelete === null ? [] : tagValuesOf(input.TagValuesToDelete, 'UpdateLFTag.TagValuesToDelete')
  if (toAdd.length === 0 && toDelete.length === 0) throw invalidInput('UpdateLFTag needs TagValuesToAdd or TagValuesToDelete.')
  const tag = context.state.lfTags.get(tagKey)
  if (tag === undefined) throw tagNotFound(tagKey)

  const undeclared = toDelete.filter((value) => !tag.tagValues.has(value))
  if (undeclared.length > 0) throw invalidInput(`LF-tag ${tagKey} has no value ${undeclared.join(', ')} to delete.`)
  const assigned = assignedValues(context.state, tagKey)
  const inUse = toDelete.filter((value) => assigned.has(value))
  if (inUse.length > 0) throw invalidInput(`Update not allowed: ${tagKey}=${inUse.join(', ')} is assigned to resources; remove it from them first.`)
  const next = new Set([...tag.tagValues].filter((value) => !toDelete.includes(value)))
  for (const value of toAdd) next.add(value)
  if (next.size === 0) throw invalidInput(`LF-tag ${tagKey} must keep at least one value.`)
  if (next.size > MAX_VALUES_PER_TAG) throw invalidInput(`LF-tag ${tagKey} would have ${next.size} values; the limit is ${MAX_VALUES_PER_TAG}.`)

  context.writes.admit(JSON.stringify(['lfTagDefinition', tagKey]), `LF-tag ${tagKey}`)
  tag.tagValues = next
  return {}
}

/**
 * Deletes the tag and takes it off every resource, even where it is still assigned (Lake Formation
 * does not refuse that, despite its documentation: aws/aws-sdk#123). Grants on the tag, or on
 * policies that name it, stay: Lake Formation keeps them as invalid policies, and ListPermissions
 * still shows them.
 */
export function deleteLFTag(context: OperationContext, input: Input) {
  const tagKey = tagKeyOf(input.TagKey, 'DeleteLFTag')
  if (!context.state.lfTags.delete(tagKey)) throw tagNotFound(tagKey)
  for (const [key, tags] of context.state.lfTagAssignments) {
    tags.delete(tagKey)
    if (tags.size === 0) context.state.lfTagAssignments.delete(key)
  }
  return {}
}

export function listLFTags(context: OperationContext, input: Input) {
  const maxResults = Math.min(optionalInteger(input, 'MaxResults', 1, 1000) ?? LIST_PAGE_LIMIT, LIST_PAGE_LIMIT)
  const nextToken = optionalString(input, 'NextToken')
  const shareType = optionalString(input, 'ResourceShareType')
  if (shareType !== undefined && shareType !== 'ALL' && shareType !== 'FOREIGN') throw invalidInput('ResourceShareType must be ALL or FOREIGN.')
  // The model plays one account: nothing is shared with it, so FOREIGN finds nothing.
  const tags = shareType === 'FOREIGN' ? [] : [...context.state.lfTags.values()]
  const page = paginate(tags, (tag) => tag.tagKey, {maxResults, nextToken, scope: JSON.stringify(['ListLFTags', shareType ?? null])})
  return {LFTags: page.items.map((tag) => tagOutput(context, tag.tagKey, tag.tagValues)), ...(page.nextToken ? {NextToken: page.nextToken} : {})}
}

/** The targets a Resource names for tagging: a database, a table by name, or named columns. */
function targetsOf(parsed: ParsedResource): Target[] {
  const {resource} = parsed
  if (resource.kind === 'database') return [{kind: 'database', database: resource.database}]
  if (resource.kind === 'table' && parsed.shape === 'Table') return [{kind: 'table', database: resource.database, table: resource.table}]
  if (resource.kind === 'columns' && resource.include !== undefined) {
    return resource.include.map((column) => ({kind: 'column', database: resource.database, table: resource.table, column}))
  }
  throw invalidInput('LF-tags attach to a Database, a Table by Name, or a TableWithColumns that lists ColumnNames.')
}

/** The LFTags of Add and Remove: one value per key, no key twice, with Lake Formation's wording. */
function pairsOf(input: Input): {tagKey: string; value: string}[] {
  const list = optionalList(input, 'LFTags')
  if (list === undefined || list.length === 0 || list.length > MAX_TAGS_PER_RESOURCE) throw invalidInput(`LFTags must hold 1 to ${MAX_TAGS_PER_RESOURCE} LF-tags.`)
  const pairs = list.map(asInput).map((entry) => {
    const tagKey = tagKeyOf(entry.TagKey, 'LFTags')
    const values = Array.isArray(entry.TagValues) ? entry.TagValues : []
    if (values.length !== 1 || values[0] === '*') throw invalidInput('Tag value wild card was found or input tag value list has size not equal to 1')
    const [value] = tagValuesOf(values, 'LFTags')
    return {tagKey, value}
  })
  if (new Set(pairs.map((pair) => pair.tagKey)).size !== pairs.length) throw invalidInput('Provided list of tags contains duplicate tag key')
  return pairs
}

/** The Glue objects the targets name must exist (EntityNotFoundException; a missing column InvalidInputException, see catalog-checks.ts). */
async function checkTargets(context: OperationContext, targets: Target[]): Promise<void> {
  const [first] = targets
  if (first.kind === 'database') return checkDatabaseExists(context, first.database)
  if (first.kind === 'table') {
    await checkTableExists(context, first.database, first.table)
    return
  }
  return checkColumnsExist(context, first.database, first.table, targets.map((target) => (target as {column: string}).column))
}

/**
 * Assigns LF-tags, replacing the value of a key already on the resource. All or nothing: a
 * database, table or column that does not exist (EntityNotFoundException, per the API reference),
 * an undeclared key (EntityNotFoundException), an undeclared value (InvalidInputException) or a 51st
 * tag on a resource fails the whole call; Failures is always empty.
 */
export async function addLFTagsToResource(context: OperationContext, input: Input) {
  const parsed = parseResource(input.Resource)
  const targets = targetsOf(parsed)
  const pairs = pairsOf(input)
  await checkTargets(context, targets)
  for (const {tagKey, value} of pairs) {
    const tag = context.state.lfTags.get(tagKey)
    if (tag === undefined) throw tagNotFound(tagKey)
    if (!tag.tagValues.has(value)) throw invalidInput(`Tag value ${value} is not a value of LF-tag ${tagKey}.`)
  }
  for (const target of targets) {
    const keys = new Set([...(context.state.lfTagAssignments.get(targetKey(target))?.keys() ?? []), ...pairs.map((pair) => pair.tagKey)])
    if (keys.size > MAX_TAGS_PER_RESOURCE) throw invalidInput(`A resource takes at most ${MAX_TAGS_PER_RESOURCE} LF-tags; this would give it ${keys.size}.`)
  }

  context.writes.admit(resourceKey(parsed.resource), describeResource(parsed.resource))
  for (const target of targets) {
    const key = targetKey(target)
    const tags = context.state.lfTagAssignments.get(key) ?? new Map<string, string>()
    for (const {tagKey, value} of pairs) tags.set(tagKey, value)
    context.state.lfTagAssignments.set(key, tags)
  }
  return {Failures: []}
}

/**
 * Takes LF-tags off. An undeclared key fails the call; a tag that is declared but not on the
 * resource (with that value) is a Failures[] entry, and the others are still removed.
 */
export function removeLFTagsFromResource(context: OperationContext, input: Input) {
  const parsed = parseResource(input.Resource)
  const targets = targetsOf(parsed)
  const pairs = pairsOf(input)
  for (const {tagKey} of pairs) if (!context.state.lfTags.has(tagKey)) throw tagNotFound(tagKey)

  context.writes.admit(resourceKey(parsed.resource), describeResource(parsed.resource))
  const failures: object[] = []
  for (const {tagKey, value} of pairs) {
    let removed = false
    for (const target of targets) {
      const key = targetKey(target)
      const tags = context.state.lfTagAssignments.get(key)
      if (tags?.get(tagKey) !== value) continue
      tags.delete(tagKey)
      if (tags.size === 0) context.state.lfTagAssignments.delete(key)
      removed = true
    }
    if (!removed) {
      failures.push({
        LFTag: tagOutput(context, tagKey, [value]),
        Error: {ErrorCode: 'InvalidInputException', ErrorMessage: `LF-tag ${tagKey}=${value} is not assigned to ${describeResource(parsed.resource)}.`},
      })
    }
  }
  return {Failures: failures}
}

type TagMap = Map<string, string>

function pairsOutput(context: OperationContext, tags: TagMap) {
  return [...tags.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tagKey, value]) => tagOutput(context, tagKey, [value]))
}

/**
 * The LF-tags on a database, a table or named columns. By default each level shows what it inherits
 * (a table its database's tags, a column its table's), a nearer assignment of the same key winning;
 * ShowAssignedLFTags=true shows only what was assigned to each level itself. A table's answer lists
 * the columns that carry tags of their own: the model cannot list the others, as the columns are
 * moto's. Empty lists are left out: an LFTagsList holds at least one tag.
 */
export async function getResourceLFTags(context: OperationContext, input: Input) {
  const parsed = parseResource(input.Resource)
  const targets = targetsOf(parsed)
  // A database, table or column that does not exist: EntityNotFoundException (API reference).
  await checkTargets(context, targets)
  const assignedOnly = optionalBoolean(input, 'ShowAssignedLFTags') === true
  const assignments = context.state.lfTagAssignments
  const direct = (target: Target): TagMap => new Map(assignments.get(targetKey(target)) ?? [])
  const inherit = (parent: TagMap, own: TagMap): TagMap => (assignedOnly ? own : new Map([...parent, ...own]))

  const [first] = targets
  const database = direct({kind: 'database', database: first.database})
  const output: Record<string, unknown> = {}
  const put = (field: string, list: unknown[]) => {
    if (list.length > 0) output[field] = list
  }
  put('LFTagOnDatabase', pairsOutput(context, database))
  if (first.kind === 'database') return output

  const table = inherit(database, direct({kind: 'table', database: first.database, table: first.table}))
  put('LFTagsOnTable', pairsOutput(context, table))
  const columns =
    first.kind === 'column'
      ? targets.map((target) => (target as {column: string}).column)
      : [...assignments.keys()]
          .map((key) => JSON.parse(key) as string[])
          .filter(([kind, databaseName, tableName]) => kind === 'column' && databaseName === first.database && tableName === first.table)
          .map(([, , , column]) => column)
          .sort()
  const onColumns = columns
    .map((column) => ({Name: column, LFTags: pairsOutput(context, inherit(table, direct({kind: 'column', database: first.database, table: first.table, column})))}))
    .filter((entry) => entry.LFTags.length > 0)
  put('LFTagsOnColumns', onColumns)
  return output
}
