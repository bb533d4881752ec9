import {createInterface} from 'node:readline/promises'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'

/**
 * Asks on the terminal and returns when the answer is "yes". Off a terminal (or with --json) it
 * throws `refused` rather than wait for an answer nobody can type; any other answer throws `cancelled`.
 */
export async function confirmOnTerminal(question: string, errors: {refused: LakegovError; cancelled: LakegovError}, json = false): Promise<void> {
  if (!process.stdin.isTTY || json) throw errors.refused
  const prompt = createInterface({input: process.stdin, output: process.stderr})
  const answer = await prompt.question(question)
  prompt.close()
  if (answer.trim().toLowerCase() !== 'yes') throw errors.cancelled
}

/** Asks on the terminal before an apply, unless `autoApprove` (confirmOnTerminal). */
export async function confirmApply(question: string, options: {autoApprove: boolean; json: boolean}): Promise<void> {
  if (options.autoApprove) return
  await confirmOnTerminal(
    question,
    {
      refused: new LakegovError('Refusing to apply without confirmation: not on a terminal.', {
        exitCode: ExitCode.Usage,
        code: 'APPLY_NEEDS_APPROVAL',
        suggestions: ['Pass --auto-approve (in CI, after reviewing the plan).'],
      }),
      cancelled: new LakegovError('Apply cancelled; nothing was changed.', {exitCode: ExitCode.Usage, code: 'APPLY_CANCELLED'}),
    },
    options.json,
  )
}
