import {BaseCommand, policiesFlag} from '../../base-command'
import {describeExitCodes} from '../../core/exit-codes'
import type {DesiredState} from '../../core/policy/types'
import {loadDesiredState} from '../../io/policy-files'

/** What `grants validate --json` prints for valid files; invalid ones exit 3 with every issue. */
export interface ValidateResult {
  /** The files read. */
  files: string[]
  /** The merged desired state. */
  state: DesiredState
}

export default class GrantsValidate extends BaseCommand<typeof GrantsValidate> {
  static summary = 'Check the grants files offline, reporting every problem at once.'

  static description = `Reads <policies>/grants/*.yaml, checks them against the schema and the rules (principal names, ARNs, permissions valid for each resource, declared filters and tags, broad grants without allowBroad, duplicates across files) and prints every problem with its file, line, column and field. Makes no AWS call.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> grants validate', '<%= config.bin %> grants validate --policies infra/lake --json']

  static flags = {policies: policiesFlag}

  static usesAws = false

  async run(): Promise<ValidateResult> {
    const {state, files} = await loadDesiredState(this.flags.policies)
    const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
    this.log(`${plural(files.length, 'file')} valid: ${plural(state.grants.length, 'grant')}, ${plural(state.filters.length, 'data cells filter')}, ${plural(state.tags.length, 'LF-tag')}.`)
    return {files, state}
  }
}
