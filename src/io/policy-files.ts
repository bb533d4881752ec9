import {existsSync} from 'node:fs'
import {readFile, readdir} from 'node:fs/promises'
import path from 'node:path'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {PolicyInvalidError} from '../core/policy/errors'
import {parsePolicies} from '../core/policy/parse'
import type {DesiredState, PolicySource} from '../core/policy/types'

/**
 * How a policy file is named in messages: relative to the working directory, so that editors and
 * CI logs can link it; absolute when it lies outside it.
 */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') ? path.resolve(file) : relative
}

/**
 * Reads policies/grants/*.yaml (and .yml), sorted by name. Paths in messages are relative to the
 * working directory, so that editors and CI logs can link them.
 */
export async function readGrantFiles(policiesDir: string): Promise<PolicySource[]> {
  const dir = path.join(policiesDir, 'grants')
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LakegovError(`No grants directory at ${dir}.`, {
        exitCode: ExitCode.InvalidPolicy,
        code: 'POLICY_DIR_MISSING',
        suggestions: ['Pass --policies DIR, the directory that holds grants/*.yaml.'],
      })
    }
    throw error
  }
  const files = names.filter((name) => /\.ya?ml$/.test(name)).sort()
  if (files.length === 0) {
    throw new LakegovError(`No .yaml files in ${dir}.`, {exitCode: ExitCode.InvalidPolicy, code: 'POLICY_DIR_EMPTY', suggestions: ['See policies/grants/security.yaml in the lakegov repository for an example.']})
  }
  return Promise.all(
    files.map(async (name) => {
      const file = path.join(dir, name)
      return {path: displayPath(file), text: await readFile(file, 'utf8')}
    }),
  )
}

/** Reads and validates the grants files; throws PolicyInvalidError (exit 3) listing every problem. */
export async function loadDesiredState(policiesDir: string): Promise<{state: DesiredState; files: string[]}> {
  const sources = await readGrantFiles(policiesDir)
  const result = parsePolicies(sources)
  if (!result.ok) throw new PolicyInvalidError(result.issues)
  return {state: result.state, files: sources.map((source) => source.path)}
}

/**
 * The editor's schema line for a policy file written to `file`, only when it resolves: the path
 * from that file to `schema` (policies/schema in the checkout or the installed package). Empty
 * when the schema is not there.
 */
export function schemaLine(file: string, schema: string): string {
  if (!existsSync(schema)) return ''
  const relative = path.relative(path.dirname(path.resolve(file)), schema).split(path.sep).join('/')
  return `# yaml-language-server: $schema=${relative}\n`
}
