import {BaseCommand, policiesFlag} from '../../base-command'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {parsePolicies} from '../../core/policy/parse'
import type {DesiredState, PolicyIssue} from '../../core/policy/types'
import {readGrantFiles} from '../../io/policy-files'
import {renderPolicyIssues} from '../../output/policy-issues'

/** What `grants validate --json` prints: the merged state, or every problem (and exit 3). */
export type ValidateResult =
  | {valid: true; files: string[]; state: DesiredState}
  | {valid: false; files: string[]; issues: PolicyIssue[]}

export default class GrantsValidate extends BaseCommand<typeof GrantsValidate> {
  static summary = 'Check the grants files offline, reporting every problem at once.'

  static description = `Reads <policies>/grants/*.yaml, checks them against the schema and the rules (principal names, ARNs, permissions valid for each resource, declared filters and tags, broad grants without allowBroad, duplicates across files) and prints every problem with its file, line, column and field. Makes no AWS call.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> grants validate', '<%= config.bin %> grants validate --policies infra/lake --json']

  static flags = {policies: policiesFlag}

  async run(): Promise<ValidateResult> {
    const sources = await readGrantFiles(this.flags.policies)
    const result = parsePolicies(sources)
    const files = sources.map((source) => source.path)
    if (!result.ok) {
      this.logToStderr(renderPolicyIssues(result.issues))
      this.setExitCode(ExitCode.InvalidPolicy)
      return {valid: false, files, issues: result.issues}
    }
    const {grants, filters, tags} = result.state
    this.log(`${sources.length} file${sources.length === 1 ? '' : 's'} valid: ${grants.length} grants, ${filters.length} data cells filters, ${tags.length} LF-tags.`)
    return {valid: true, files, state: result.state}
  }
}
