/**
 * Lake Formation: settings, registered locations, grants, LF-tags, data cells filters and tag
 * assignments, behind the settings, location, grant and object ports. The translation between
 * lakegov's values and Lake Formation's shapes is in lakeformation-resources.ts.
 */
import {
  AddLFTagsToResourceCommand,
  BatchGrantPermissionsCommand,
  BatchRevokePermissionsCommand,
  CreateDataCellsFilterCommand,
  CreateLFTagCommand,
  DescribeResourceCommand,
  GetDataLakeSettingsCommand,
  GetResourceLFTagsCommand,
  PutDataLakeSettingsCommand,
  RegisterResourceCommand,
  UpdateDataCellsFilterCommand,
  UpdateLFTagCommand,
  UpdateResourceCommand,
  paginateListDataCellsFilter,
  paginateListLFTags,
  paginateListPermissions,
  paginateListResources,
  type DataLakeSettings as SdkDataLakeSettings,
  type LakeFormationClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-lakeformation'
import type {Command} from '@smithy/types'

import type {AuditTable} from '../core/audit/access'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {ObservedRegistration, RawDataLakeSettings} from '../core/lake/observed'
import {mapLimited} from '../core/map-limited'
import type {ListedGrant} from '../core/model/grant'
import type {DataLakeSettings, RegisteredLocation} from '../core/model/lake'
import type {AssignmentState, FilterState, ObjectChange, ObjectsState, TagTarget} from '../core/plan/objects'
import type {EntryFailure, GrantEntry, GrantReader, GrantWriter, LocationReader, ObjectReader, ObjectWriter, SettingsReader} from '../core/ports'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'
import {fromPrincipalResourcePermissions, lfTagPairs, targetResource, toFailures, toFilterState, toPrincipalPermissions, toSdkFilter, toSdkResource} from './lakeformation-resources'

type LakeFormationCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, LakeFormationClientResolvedConfig>

/** Parallel GetResourceLFTags calls: enough to hide latency, few enough not to be throttled. */
const TAG_READ_CONCURRENCY = 8

/** Lake Formation behind the settings, location, grant and object ports. */
export class LakeFormationAdapter extends ServiceAdapter implements SettingsReader, LocationReader, GrantReader, GrantWriter, ObjectReader, ObjectWriter {
  /** @param catalogId the account id, which data cells filter resources must name. */
  constructor(
    clients: AwsClients,
    private readonly catalogId = '',
  ) {
    super(clients, 'lakeformation')
  }

  /**
   * Every grant the caller may see, in the fewest calls: one unfiltered listing, 1,000 per page,
   * with IncludeRelated so that data cells filter grants come too. Scope is applied afterwards.
   */
  async listGrants(): Promise<ListedGrant[]> {
    return this.call('lakeformation:ListPermissions', async () => {
      const grants: ListedGrant[] = []
      for await (const page of paginateListPermissions({client: this.clients.lakeformation, pageSize: 1000}, {IncludeRelated: 'TRUE'})) {
        for (const entry of page.PrincipalResourcePermissions ?? []) {
          const grant = fromPrincipalResourcePermissions(entry)
          if (grant) grants.push(grant)
        }
      }
      return grants
    })
  }

  async batchGrant(entries: GrantEntry[]): Promise<EntryFailure[]> {
    const out = await this.send('lakeformation:BatchGrantPermissions', new BatchGrantPermissionsCommand({Entries: entries.map((entry, index) => this.toSdkEntry(entry, index))}))
    return toFailures(entries, out.Failures)
  }

  async batchRevoke(entries: GrantEntry[]): Promise<EntryFailure[]> {
    const out = await this.send('lakeformation:BatchRevokePermissions', new BatchRevokePermissionsCommand({Entries: entries.map((entry, index) => this.toSdkEntry(entry, index))}))
    return toFailures(entries, out.Failures)
  }

  private toSdkEntry(entry: GrantEntry, index: number) {
    return {
      Id: String(index),
      Principal: {DataLakePrincipalIdentifier: entry.principal},
      Resource: toSdkResource(entry.resource, this.catalogId),
      Permissions: entry.permissions,
      PermissionsWithGrantOption: entry.grantable,
    }
  }

  async getDataLakeSettings(): Promise<DataLakeSettings> {
    const settings = (await this.getRawSettings()) as SdkDataLakeSettings
    return {
      admins: (settings.DataLakeAdmins ?? []).map((admin) => admin.DataLakePrincipalIdentifier ?? ''),
      readOnlyAdmins: (settings.ReadOnlyAdmins ?? []).map((admin) => admin.DataLakePrincipalIdentifier ?? ''),
      createDatabaseDefaultPermissions: toPrincipalPermissions(settings.CreateDatabaseDefaultPermissions),
      createTableDefaultPermissions: toPrincipalPermissions(settings.CreateTableDefaultPermissions),
    }
  }

  async listRegisteredLocations(): Promise<RegisteredLocation[]> {
    return this.call('lakeformation:ListResources', async () => {
      const locations: RegisteredLocation[] = []
      for await (const page of paginateListResources({client: this.clients.lakeformation}, {})) {
        for (const info of page.ResourceInfoList ?? []) {
          locations.push({resourceArn: info.ResourceArn ?? '', roleArn: info.RoleArn, verificationStatus: info.VerificationStatus, hybridAccessEnabled: info.HybridAccessEnabled})
        }
      }
      return locations
    })
  }

  /** The settings exactly as Lake Formation returns them, every field, for a read-modify-write. */
  async getRawSettings(): Promise<RawDataLakeSettings> {
    const out = await this.send('lakeformation:GetDataLakeSettings', new GetDataLakeSettingsCommand({}))
    return (out.DataLakeSettings ?? {}) as RawDataLakeSettings
  }

  /** Writes the whole settings object: PutDataLakeSettings replaces it, so pass what getRawSettings read, modified. */
  async putRawSettings(settings: RawDataLakeSettings): Promise<void> {
    await this.send('lakeformation:PutDataLakeSettings', new PutDataLakeSettingsCommand({DataLakeSettings: settings as SdkDataLakeSettings}))
  }

  /** The registration of exactly this location, or undefined. */
  async describeRegistration(resourceArn: string): Promise<ObservedRegistration | undefined> {
    const out = await this.sendOrAbsent('lakeformation:DescribeResource', new DescribeResourceCommand({ResourceArn: resourceArn}), ['EntityNotFoundException'])
    const info = out?.ResourceInfo
    if (!info) return undefined
    return {
      resourceArn: info.ResourceArn ?? resourceArn,
      ...(info.RoleArn ? {roleArn: info.RoleArn} : {}),
      useServiceLinkedRole: (info.RoleArn ?? '').includes('/aws-service-role/lakeformation.amazonaws.com/'),
      ...(info.VerificationStatus ? {verificationStatus: info.VerificationStatus} : {}),
    }
  }

  /**
   * Registers a location. If someone registered it since it was read (AlreadyExistsException), the
   * registration is updated to the role instead, so that a re-run, or a race, still converges.
   */
  async register(resourceArn: string, roleArn: string | undefined): Promise<void> {
    const command = new RegisterResourceCommand({ResourceArn: resourceArn, ...(roleArn ? {RoleArn: roleArn} : {UseServiceLinkedRole: true})})
    const registered = await this.sendOrAbsent('lakeformation:RegisterResource', command, ['AlreadyExistsException'])
    if (!registered && roleArn) await this.updateRegistration(resourceArn, roleArn)
  }

  async updateRegistration(resourceArn: string, roleArn: string): Promise<void> {
    await this.send('lakeformation:UpdateResource', new UpdateResourceCommand({ResourceArn: resourceArn, RoleArn: roleArn}))
  }

  /**
   * Every LF-tag, the filters of the databases in scope (one listing per database), and what is
   * assigned directly (ShowAssignedLFTags) to each target the files assign to.
   */
  async readObjects(databases: string[], targets: TagTarget[]): Promise<ObjectsState> {
    const tags = await this.listLFTags()
    const filters: FilterState[] = []
    for (const database of databases) filters.push(...(await this.listFilters(database)))
    const assignments: ObjectsState['assignments'] = []
    for (const target of targets) assignments.push({target, tags: await this.readAssignedTags(target)})
    return {tags, filters, assignments}
  }

  private async listLFTags(): Promise<ObjectsState['tags']> {
    return this.call('lakeformation:ListLFTags', async () => {
      const tags: ObjectsState['tags'] = []
      for await (const page of paginateListLFTags({client: this.clients.lakeformation}, {})) {
        for (const tag of page.LFTags ?? []) tags.push({key: (tag.TagKey ?? '').toLowerCase(), values: (tag.TagValues ?? []).map((value) => value.toLowerCase()).sort()})
      }
      return tags
    })
  }

  private async listFilters(database: string): Promise<FilterState[]> {
    return this.call('lakeformation:ListDataCellsFilter', async () => {
      const filters: FilterState[] = []
      for await (const page of paginateListDataCellsFilter({client: this.clients.lakeformation}, {Table: {DatabaseName: database, TableWildcard: {}}})) {
        filters.push(...(page.DataCellsFilters ?? []).map(toFilterState))
      }
      return filters
    })
  }

  /** The tags assigned to one target; a column target counts as assigned only where every listed column carries the value. */
  private async readAssignedTags(target: TagTarget): Promise<Record<string, string>> {
    const out = await this.send('lakeformation:GetResourceLFTags', new GetResourceLFTagsCommand({Resource: targetResource(target), ShowAssignedLFTags: true}))
    if (!target.table) return lfTagPairs(out.LFTagOnDatabase)
    if (!target.columns) return lfTagPairs(out.LFTagsOnTable)
    const perColumn = new Map((out.LFTagsOnColumns ?? []).map((column) => [(column.Name ?? '').toLowerCase(), lfTagPairs(column.LFTags)]))
    const [first, ...rest] = target.columns.map((column) => perColumn.get(column) ?? {})
    return Object.fromEntries(Object.entries(first ?? {}).filter(([key, value]) => rest.every((tags) => tags[key] === value)))
  }

  /**
   * The LF-tags assigned directly to each table's database, the table and its columns: one
   * GetResourceLFTags per table (the database's come with every answer), a few in parallel.
   */
  async readTagAssignments(tables: readonly AuditTable[]): Promise<AssignmentState[]> {
    const answers = await mapLimited(tables, TAG_READ_CONCURRENCY, (table) =>
      this.send('lakeformation:GetResourceLFTags', new GetResourceLFTagsCommand({Resource: {Table: {DatabaseName: table.database, Name: table.table}}, ShowAssignedLFTags: true})),
    )
    const assignments: AssignmentState[] = []
    const databases = new Set<string>()
    const add = (target: TagTarget, tags: Record<string, string>) => {
      if (Object.keys(tags).length > 0) assignments.push({target, tags})
    }
    answers.forEach((answer, index) => {
      const {database, table} = tables[index]
      if (!databases.has(database)) add({database}, lfTagPairs(answer.LFTagOnDatabase))
      databases.add(database)
      add({database, table}, lfTagPairs(answer.LFTagsOnTable))
      for (const column of answer.LFTagsOnColumns ?? []) if (column.Name) add({database, table, columns: [column.Name.toLowerCase()]}, lfTagPairs(column.LFTags))
    })
    return assignments
  }

  async applyObjectChange(change: ObjectChange): Promise<void> {
    switch (change.kind) {
      case 'tag': {
        await (change.action === 'create'
          ? this.send('lakeformation:CreateLFTag', new CreateLFTagCommand({TagKey: change.key, TagValues: change.values}))
          : this.send('lakeformation:UpdateLFTag', new UpdateLFTagCommand({TagKey: change.key, TagValuesToAdd: change.values})))
        return
      }
      case 'filter': {
        const TableData = toSdkFilter(change.filter, this.catalogId)
        await (change.action === 'create'
          ? this.send('lakeformation:CreateDataCellsFilter', new CreateDataCellsFilterCommand({TableData}))
          : this.send('lakeformation:UpdateDataCellsFilter', new UpdateDataCellsFilterCommand({TableData})))
        return
      }
      case 'assignment': {
        return this.assign(change.target, change.tags)
      }
    }
  }

  private async assign(target: TagTarget, tags: Record<string, string>): Promise<void> {
    const LFTags = Object.entries(tags).map(([TagKey, value]) => ({TagKey, TagValues: [value]}))
    const out = await this.send('lakeformation:AddLFTagsToResource', new AddLFTagsToResourceCommand({Resource: targetResource(target), LFTags}))
    const failure = out.Failures?.find((entry) => entry.Error)
    if (failure) {
      throw new LakegovError(`AddLFTagsToResource refused ${failure.LFTag?.TagKey}: ${failure.Error?.ErrorMessage}`, {exitCode: ExitCode.Internal, code: `AWS_${failure.Error?.ErrorCode}`})
    }
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: LakeFormationCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.lakeformation.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: LakeFormationCommand<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.lakeformation.send(command), absent)
  }
}
