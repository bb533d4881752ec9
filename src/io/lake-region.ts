/**
 * The region lake.yaml names, read by every command before it runs. It lives apart from
 * lake-file.ts so that a command's start does not load the lake.yaml parser and its schema
 * validator (`grants validate` never reads lake.yaml otherwise).
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {SourceRef} from '../core/policy/source-map'
import {displayPath} from './policy-files'

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
