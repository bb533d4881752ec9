import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {stringify} from 'yaml'

import {BaseCommand} from '../../base-command'
import {exportPolicy, type GrantsFile} from '../../core/export/export'
import {describeExitCodes} from '../../core/exit-codes'
import {canonicalResource} from '../../core/model/grant'
import {markImplicit} from '../../core/plan/diff'
import type {Scope} from '../../core/policy/types'
import {checkOutputFile, writeOutputFile, type OutputFileOptions} from '../../io/output-file'
import {readAccount} from '../../workflows/grants'

export default class GrantsExport extends BaseCommand<typeof GrantsExport> {
  static summary = "Write the account's current grants as a policy file, to adopt an existing lake."

  static description = `Reads every grant in the given scope (ListPermissions, paginated) and writes it as policies/grants YAML that validates and that grants plan then shows as zero changes. Grants of data lake administrators are implicit and left out. With no scope flag, everything the caller can see is exported.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> grants export --database cloudtrail > policies/grants/existing.yaml', '<%= config.bin %> grants export --database cloudtrail --out policies/grants/existing.yaml']

  static flags = {
    database: Flags.string({description: 'Export grants on this database, its tables, columns and filters (repeatable).', multiple: true}),
    location: Flags.string({description: 'Export DATA_LOCATION_ACCESS grants on this S3 location (repeatable).', multiple: true}),
    catalog: Flags.boolean({description: 'Export catalog grants (CREATE_DATABASE).'}),
    tags: Flags.boolean({description: 'Export LF-tag and LF-tag expression grants.'}),
    out: Flags.file({description: 'Write the YAML to this file instead of stdout; an existing file is refused unless --force.'}),
    force: Flags.boolean({description: 'With --out: replace the file if it exists.', dependsOn: ['out']}),
  }

  async run(): Promise<GrantsFile> {
    const out: OutputFileOptions = {flag: '--out', overwrite: this.flags.force, existsHint: 'Pass --force to replace it, or name another file.'}
    // Before any AWS call: a typo in --out should not cost a full read of the account.
    if (this.flags.out) await checkOutputFile(this.flags.out, out)
    const account = await readAccount(this.aws)
    const grants = markImplicit(await account.lakeformation.listGrants(), account.admins)
    const scope = this.scopeFrom(grants)
    const objects = await account.objects.readObjects(scope.databases, [])
    const document = exportPolicy(grants, {scope, filters: objects.filters, tags: objects.tags})
    const yaml = `${this.schemaLine()}# Exported by lakegov grants export from account ${account.identity.account} (${account.region}).\n${stringify(document, {lineWidth: 0})}`
    if (this.flags.out) {
      await writeOutputFile(this.flags.out, yaml, out)
      this.logToStderr(`Wrote ${document.grants.length} grants to ${this.flags.out}.`)
    } else if (!this.jsonEnabled()) {
      this.log(yaml.trimEnd())
    }
    return document
  }

  /**
   * The editor's schema line, only when it resolves: with --out, the path from that file to the
   * schema this lakegov ships (policies/schema, in the checkout or the installed package). On
   * stdout the file's final place is unknown, so no line is written.
   */
  private schemaLine(): string {
    const schema = path.join(this.config.root, 'policies', 'schema', 'grants.schema.json')
    if (!this.flags.out || !existsSync(schema)) return ''
    const relative = path.relative(path.dirname(path.resolve(this.flags.out)), schema).split(path.sep).join('/')
    return `# yaml-language-server: $schema=${relative}\n`
  }

  /** The scope from the flags; with none, everything the grants name. */
  private scopeFrom(grants: {resource: Parameters<typeof canonicalResource>[0]}[]): Scope {
    const {database, location, catalog, tags} = this.flags
    if (database || location || catalog || tags) {
      const locations = (location ?? []).map((path) => (canonicalResource({type: 'dataLocation', path}) as {path: string}).path)
      return {databases: (database ?? []).map((name) => name.toLowerCase()).sort(), locations: locations.sort(), catalog, tags}
    }
    const resources = grants.map((grant) => grant.resource)
    return {
      databases: [...new Set(resources.flatMap((resource) => ('database' in resource ? [resource.database] : [])))].sort(),
      locations: [...new Set(resources.flatMap((resource) => (resource.type === 'dataLocation' ? [resource.path] : [])))].sort(),
      catalog: resources.some((resource) => resource.type === 'catalog'),
      tags: resources.some((resource) => resource.type === 'lfTag' || resource.type === 'lfTagPolicy'),
    }
  }
}
