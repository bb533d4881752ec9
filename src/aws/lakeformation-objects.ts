import {
  AddLFTagsToResourceCommand,
  CreateDataCellsFilterCommand,
  CreateLFTagCommand,
  GetResourceLFTagsCommand,
  UpdateDataCellsFilterCommand,
  UpdateLFTagCommand,
  paginateListDataCellsFilter,
  paginateListLFTags,
  type DataCellsFilter,
  type LFTagPair,
  type LakeFormationClient,
  type Resource as SdkResource,
} from '@aws-sdk/client-lakeformation'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {ColumnSelection} from '../core/model/grant'
import type {FilterState, ObjectChange, ObjectsState, TagTarget} from '../core/plan/objects'
import type {ObjectReader, ObjectWriter} from '../core/ports'
import {callAws} from './errors'

function targetResource(target: TagTarget): SdkResource {
  if (!target.table) return {Database: {Name: target.database}}
  if (target.columns) return {TableWithColumns: {DatabaseName: target.database, Name: target.table, ColumnNames: target.columns}}
  return {Table: {DatabaseName: target.database, Name: target.table}}
}

function toFilterState(filter: DataCellsFilter): FilterState {
  const columns: ColumnSelection | undefined = filter.ColumnNames?.length
    ? {include: [...filter.ColumnNames].map((column) => column.toLowerCase()).sort()}
    : filter.ColumnWildcard?.ExcludedColumnNames?.length
      ? {exclude: [...filter.ColumnWildcard.ExcludedColumnNames].map((column) => column.toLowerCase()).sort()}
      : undefined
  return {
    name: filter.Name ?? '',
    database: (filter.DatabaseName ?? '').toLowerCase(),
    table: (filter.TableName ?? '').toLowerCase(),
    ...(filter.RowFilter?.FilterExpression ? {rows: filter.RowFilter.FilterExpression} : {}),
    ...(columns ? {columns} : {}),
  }
}

function toSdkFilter(filter: FilterState, catalogId: string): DataCellsFilter {
  const columns = filter.columns
  return {
    TableCatalogId: catalogId,
    DatabaseName: filter.database,
    TableName: filter.table,
    Name: filter.name,
    RowFilter: filter.rows === undefined ? {AllRowsWildcard: {}} : {FilterExpression: filter.rows},
    ...(columns && 'include' in columns ? {ColumnNames: columns.include} : {ColumnWildcard: {ExcludedColumnNames: columns && 'exclude' in columns ? columns.exclude : []}}),
  }
}

function pairs(list: LFTagPair[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((pair) => pair.TagKey && pair.TagValues?.length === 1).map((pair) => [pair.TagKey!.toLowerCase(), pair.TagValues![0].toLowerCase()]))
}

/** LF-tags, data cells filters and tag assignments behind the object ports. */
export class LakeFormationObjects implements ObjectReader, ObjectWriter {
  constructor(
    private readonly client: LakeFormationClient,
    private readonly catalogId: string,
    private readonly endpoint?: string,
  ) {}

  /**
   * Every LF-tag, the filters of the databases in scope (one listing per database), and what is
   * assigned directly (ShowAssignedLFTags) to each target the files assign to.
   */
  async readObjects(databases: string[], targets: TagTarget[]): Promise<ObjectsState> {
    const tags: ObjectsState['tags'] = []
    await callAws(
      'lakeformation:ListLFTags',
      async () => {
        for await (const page of paginateListLFTags({client: this.client}, {})) {
          for (const tag of page.LFTags ?? []) tags.push({key: (tag.TagKey ?? '').toLowerCase(), values: (tag.TagValues ?? []).map((value) => value.toLowerCase()).sort()})
        }
      },
      this.endpoint,
    )
    const filters: FilterState[] = []
    for (const database of databases) {
      await callAws(
        'lakeformation:ListDataCellsFilter',
        async () => {
          for await (const page of paginateListDataCellsFilter({client: this.client}, {Table: {DatabaseName: database, TableWildcard: {}}})) {
            filters.push(...(page.DataCellsFilters ?? []).map(toFilterState))
          }
        },
        this.endpoint,
      )
    }
    const assignments: ObjectsState['assignments'] = []
    for (const target of targets) {
      const out = await callAws(
        'lakeformation:GetResourceLFTags',
        () => this.client.send(new GetResourceLFTagsCommand({Resource: targetResource(target), ShowAssignedLFTags: true})),
        this.endpoint,
      )
      let assigned: Record<string, string>
      if (!target.table) assigned = pairs(out.LFTagOnDatabase)
      else if (!target.columns) assigned = pairs(out.LFTagsOnTable)
      else {
        // A column target counts as assigned only where every listed column carries the value.
        const perColumn = new Map((out.LFTagsOnColumns ?? []).map((column) => [(column.Name ?? '').toLowerCase(), pairs(column.LFTags)]))
        const [first, ...rest] = target.columns.map((column) => perColumn.get(column) ?? {})
        assigned = Object.fromEntries(Object.entries(first ?? {}).filter(([key, value]) => rest.every((tags) => tags[key] === value)))
      }
      assignments.push({target, tags: assigned})
    }
    return {tags, filters, assignments}
  }

  async applyObjectChange(change: ObjectChange): Promise<void> {
    switch (change.kind) {
      case 'tag': {
        if (change.action === 'create') {
          await callAws('lakeformation:CreateLFTag', () => this.client.send(new CreateLFTagCommand({TagKey: change.key, TagValues: change.values})), this.endpoint)
        } else {
          await callAws('lakeformation:UpdateLFTag', () => this.client.send(new UpdateLFTagCommand({TagKey: change.key, TagValuesToAdd: change.values})), this.endpoint)
        }
        return
      }
      case 'filter': {
        const TableData = toSdkFilter(change.filter, this.catalogId)
        if (change.action === 'create') {
          await callAws('lakeformation:CreateDataCellsFilter', () => this.client.send(new CreateDataCellsFilterCommand({TableData})), this.endpoint)
        } else {
          await callAws('lakeformation:UpdateDataCellsFilter', () => this.client.send(new UpdateDataCellsFilterCommand({TableData})), this.endpoint)
        }
        return
      }
      case 'assignment': {
        const LFTags = Object.entries(change.tags).map(([TagKey, value]) => ({TagKey, TagValues: [value]}))
        const out = await callAws(
          'lakeformation:AddLFTagsToResource',
          () => this.client.send(new AddLFTagsToResourceCommand({Resource: targetResource(change.target), LFTags})),
          this.endpoint,
        )
        const failure = out.Failures?.find((entry) => entry.Error)
        if (failure) {
          throw new LakegovError(`AddLFTagsToResource refused ${failure.LFTag?.TagKey}: ${failure.Error?.ErrorMessage}`, {exitCode: ExitCode.Internal, code: `AWS_${failure.Error?.ErrorCode}`})
        }
      }
    }
  }
}
