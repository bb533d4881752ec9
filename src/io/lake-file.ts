import {access, readFile} from 'node:fs/promises'
import path from 'node:path'

import {utcDay} from '../core/catalog/table-options'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LakeConfig} from '../core/lake/config'
import {PolicyInvalidError} from '../core/policy/errors'
import {parseLakeConfig} from '../core/policy/lake-parse'
import {displayPath} from './policy-files'

/** Reads and validates <policies>/lake.yaml; throws PolicyInvalidError (exit 3) listing every problem. */
export async function loadLakeConfig(policiesDir: string): Promise<{config: LakeConfig; file: string}> {
  const absolute = path.join(policiesDir, 'lake.yaml')
  const file = displayPath(absolute)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LakegovError(`No lake file at ${file}.`, {
        exitCode: ExitCode.InvalidPolicy,
        code: 'LAKE_FILE_MISSING',
        suggestions: ['Pass --policies DIR, the directory that holds lake.yaml; see policies/lake.yaml in the lakegov repository for an example.'],
      })
    }
    throw error
  }
  const result = parseLakeConfig({path: file, text}, {today: utcDay(new Date())})
  if (!result.ok) throw new PolicyInvalidError(result.issues, 'lake')
  return {config: result.config, file}
}

/** lake.yaml when it exists, validated (exit 3 when invalid); undefined when there is none. */
export async function loadLakeConfigIfPresent(policiesDir: string): Promise<LakeConfig | undefined> {
  try {
    await access(path.join(policiesDir, 'lake.yaml'))
  } catch {
    return undefined
  }
  return (await loadLakeConfig(policiesDir)).config
}
