import {readFile} from 'node:fs/promises'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {PLAN_VERSION, type Plan} from '../core/plan/plan'
import {writeOutputFile} from './output-file'

/** Writes a plan as versioned JSON, for `grants apply plan.json`; a plan file is replaced, as each plan supersedes the last. */
export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  await writeOutputFile(file, `${JSON.stringify(plan, null, 2)}\n`, {flag: '--out', overwrite: true})
}

/** Reads a saved plan, refusing files that are not lakegov plans of this version. */
export async function readPlanFile(file: string): Promise<Plan> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LakegovError(`No saved plan at ${file}.`, {
        exitCode: ExitCode.Usage,
        code: 'PLAN_MISSING',
        suggestions: [`Save one first with: lakegov grants plan --out ${file}`, 'Or run lakegov grants apply without a file to plan and apply in one go.'],
        cause: error,
      })
    }
    throw new LakegovError(`Cannot read the plan ${file}: ${(error as Error).message}`, {exitCode: ExitCode.Usage, code: 'PLAN_UNREADABLE', cause: error})
  }
  let parsed: Partial<Plan>
  try {
    parsed = JSON.parse(text) as Partial<Plan>
  } catch (error) {
    throw new LakegovError(`${file} is not JSON, so not a saved plan: ${(error as Error).message}`, {
      exitCode: ExitCode.Usage,
      code: 'PLAN_UNREADABLE',
      suggestions: ['Pass the file that lakegov grants plan --out wrote.'],
      cause: error,
    })
  }
  if (parsed.version !== PLAN_VERSION || !Array.isArray(parsed.changes) || typeof parsed.fingerprint !== 'string') {
    throw new LakegovError(`${file} is not a lakegov plan of version ${PLAN_VERSION}.`, {
      exitCode: ExitCode.StalePlan,
      code: 'PLAN_VERSION',
      suggestions: ['Make a new plan with this version of lakegov: lakegov grants plan --out plan.json'],
    })
  }
  return parsed as Plan
}
