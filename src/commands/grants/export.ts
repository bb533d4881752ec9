import {Flags} from '@oclif/core'
import path from 'node:path'

import {BaseCommand} from '../../base-command'
import type {GrantsFile} from '../../core/export/export'
import {describeExitCodes} from '../../core/exit-codes'
import {exportGrants} from '../../workflows/export'

export default class GrantsExport extends BaseCommand<typeof GrantsExport> {
  static summary = "Write the account's current grants as a policy file, to adopt an existing lake."

  static description = `Reads every grant in the given scope (ListPermissions, paginated) and writes it as policies/grants YAML that validates and that grants plan then shows as zero changes: the grants, the LF-tag and LF-tag expression grants, the LF-tags they use, the LF-tags assigned to the scope's databases, tables and columns (assign:), and the data cells filters on the scope's tables. Grants of data lake administrators are implicit and left out. With no scope flag, everything the caller can see is exported.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> grants export --database cloudtrail > policies/grants/existing.yaml', '<%= config.bin %> grants export --database cloudtrail --out policies/grants/existing.yaml']

  static flags = {
    database: Flags.string({description: 'Export grants on this database, its tables, columns and filters, and its tag assignments (repeatable).', multiple: true}),
    location: Flags.string({description: 'Export DATA_LOCATION_ACCESS grants on this S3 location (repeatable).', multiple: true}),
    catalog: Flags.boolean({description: 'Export catalog grants (CREATE_DATABASE).'}),
    tags: Flags.boolean({
      description: 'Deprecated, ignored: LF-tag and LF-tag expression grants are always exported.',
      deprecated: {message: '--tags is ignored: LF-tag and LF-tag expression grants are always exported.'},
    }),
    out: Flags.file({description: 'Write the YAML to this file instead of stdout; an existing file is refused unless --force.'}),
    force: Flags.boolean({description: 'With --out: replace the file if it exists.', dependsOn: ['out']}),
  }

  async run(): Promise<GrantsFile> {
    const {database, location, catalog, out, force} = this.flags
    const schemaFile = path.join(this.config.root, 'policies', 'schema', 'grants.schema.json')
    const {document, yaml} = await exportGrants(this.aws, {databases: database, locations: location, catalog, out, force, schemaFile})
    if (out) this.logToStderr(`Wrote ${document.grants.length} grants to ${out}.`)
    else if (!this.jsonEnabled()) this.log(yaml.trimEnd())
    return document
  }
}
