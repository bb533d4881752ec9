import {access, readFile} from 'node:fs/promises'
import path from 'node:path'

import {utcDay} from '../core/catalog/table-options'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LakeConfig} from '../core/lake/config'
import {PolicyInvalidError} from '../core/policy/errors'
import {parseLakeConfig} from '../core/policy/lake-parse'
import type {SourceRef} from '../core/policy/source-map'
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

/**
 * The region lake.yaml names, and where, when <policies>/lake.yaml exists and names one; undefined
 * otherwise. Read leniently: commands that need the whole file validate it themselves, and a file
 * that cannot be read here simply gives no default.
 */
export async function readLakeRegion(policiesDir: string): Promise<{region: string; where: SourceRef} | undefined> {
  const absolute = path.join(policiesDir, 'lake.yaml')
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch {
    return undefined
  }
  // Only the top-level `region:` line is read here, without a YAML parse: the command's own load
  // validates the whole file (exit 3 at its line), and a hostile file (10,000 levels of nesting)
  // must be parsed once, not twice, on a stack deep enough to report it rather than crash.
  const match = /^region:[ \t]*(?:"([^"\n]+)"|'([^'\n]+)'|([^\s#"']+))[ \t]*(?:#.*)?$/m.exec(text)
  if (!match) return undefined
  const line = text.slice(0, match.index).split('\n').length
  return {region: match[1] ?? match[2] ?? match[3], where: {file: displayPath(absolute), line, column: 1, field: 'region'}}
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
