import {readFile, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'

import type {CorpusEvent} from '../core/alarms/test-patterns'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {compareText} from '../core/order'
import {displayPath} from './policy-files'

/** The verbatim AWS sample records shipped with lakegov (samples/cloudtrail, listed in package.json "files"). */
export const BUILT_IN_EVENTS_DIR = path.resolve(__dirname, '..', '..', 'samples', 'cloudtrail')

/** The events read, and the files they came from. */
export interface EventCorpus {
  /** Every record, in file order then record order. */
  events: CorpusEvent[]
  /** The files read, as shown to the user. */
  files: string[]
}

function usage(message: string, suggestion: string): LakegovError {
  return new LakegovError(message, {exitCode: ExitCode.Usage, code: 'EVENTS_INVALID', suggestions: [suggestion]})
}

/** `.json` and `.json.gz` files under a directory, recursively and sorted; digest and Insights files are not event logs. */
async function eventFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, {withFileTypes: true})
  const files: string[] = []
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'CloudTrail-Digest' && entry.name !== 'CloudTrail-Insight') files.push(...(await eventFilesUnder(full)))
    } else if (entry.name.endsWith('.json') || entry.name.endsWith('.json.gz')) {
      files.push(full)
    }
  }
  return files
}

/**
 * Reads CloudTrail log files (`{"Records": [...]}`, plain or gzipped) under a directory. A record's
 * id is its eventID, or FILE#INDEX when it has none. Refuses (exit 64) a missing directory, one
 * without log files, and a file that is not a CloudTrail log file.
 */
export async function readCloudTrailEvents(directory: string): Promise<EventCorpus> {
  const shown = displayPath(directory)
  const info = await stat(directory).catch(() => undefined)
  if (!info?.isDirectory()) throw usage(`--events ${shown}: no such directory.`, 'Pass a directory that holds CloudTrail log files (.json or .json.gz).')
  const paths = await eventFilesUnder(directory)
  if (paths.length === 0) throw usage(`--events ${shown}: no .json or .json.gz files in it.`, 'CloudTrail writes its logs as AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz; point --events at a copy of them.')
  const events: CorpusEvent[] = []
  const files: string[] = []
  for (const file of paths) {
    const name = displayPath(file)
    const raw = await readFile(file)
    let document: unknown
    try {
      document = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'))
    } catch (error) {
      throw usage(`${name} is not a CloudTrail log file: ${(error as Error).message}`, 'Each file must hold one JSON object {"Records": [...]}, optionally gzipped (.json.gz).')
    }
    const records = (document as {Records?: unknown} | null)?.Records
    if (!Array.isArray(records)) throw usage(`${name} is not a CloudTrail log file: it has no "Records" array.`, 'Each file must hold one JSON object {"Records": [...]}, optionally gzipped (.json.gz).')
    records.forEach((record, index) => {
      const eventId = (record as {eventID?: unknown} | null)?.eventID
      events.push({id: typeof eventId === 'string' && eventId !== '' ? eventId : `${name}#${index}`, record})
    })
    files.push(name)
  }
  return {events, files}
}
