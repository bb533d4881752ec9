import {createInterface} from 'node:readline/promises'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'

/**
 * Asks on the terminal before an apply, unless `autoApprove`. Off a terminal (or with --json) it
 * refuses rather than wait for an answer nobody can type; anything but "yes" cancels.
 */
export async function confirmApply(question: string, options: {autoApprove: boolean; json: boolean}): Promise<void> {
  if (options.autoApprove) return
  if (!process.stdin.isTTY || options.json) {
    throw new LakegovError('Refusing to apply without confirmation: not on a terminal.', {
      exitCode: ExitCode.Usage,
      code: 'APPLY_NEEDS_APPROVAL',
      suggestions: ['Pass --auto-approve (in CI, after reviewing the plan).'],
    })
  }
  const prompt = createInterface({input: process.stdin, output: process.stderr})
  const answer = await prompt.question(question)
  prompt.close()
  if (answer.trim().toLowerCase() !== 'yes') {
    throw new LakegovError('Apply cancelled; nothing was changed.', {exitCode: ExitCode.Usage, code: 'APPLY_CANCELLED'})
  }
}
