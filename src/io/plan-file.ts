import {readFile, writeFile} from 'node:fs/promises'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {PLAN_VERSION, type Plan} from '../core/plan/plan'

/** Writes a plan as versioned JSON, for `grants apply plan.json`. */
export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  await writeFile(file, `${JSON.stringify(plan, null, 2)}\n`)
}

/** Reads a saved plan, refusing files that are not lakegov plans of this version. */
export async function readPlanFile(file: string): Promise<Plan> {
  let parsed: Partial<Plan>
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Plan>
  } catch (error) {
    throw new LakegovError(`Cannot read the plan ${file}: ${(error as Error).message}`, {exitCode: ExitCode.Usage, code: 'PLAN_UNREADABLE', cause: error})
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
