import {access, constants, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'

/** How a file the user named on the command line is written. */
export interface OutputFileOptions {
  /** The flag that named it, for messages (`--out`). */
  flag: string
  /** Replace an existing file; otherwise an existing file is refused. */
  overwrite: boolean
  /** The fix shown when an existing file is refused, for example `Pass --force to replace it.` */
  existsHint?: string
}

function usage(message: string, code: string, suggestions: string[] = []): LakegovError {
  return new LakegovError(message, {exitCode: ExitCode.Usage, code, suggestions})
}

function refusal(file: string, options: OutputFileOptions, error: NodeJS.ErrnoException): LakegovError {
  const named = `${options.flag} ${file}`
  const dir = path.dirname(file)
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return usage(`${named}: the directory ${dir} does not exist.`, 'OUTPUT_DIR_MISSING', [`Create it first (mkdir -p ${dir}), or name a file in an existing directory.`])
    case 'EISDIR':
      return usage(`${named} is a directory; name a file.`, 'OUTPUT_IS_DIRECTORY')
    case 'EEXIST':
      return usage(`${named} already exists; lakegov does not overwrite it.`, 'OUTPUT_EXISTS', options.existsHint ? [options.existsHint] : [])
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return usage(`${named} cannot be written: ${error.message}`, 'OUTPUT_NOT_WRITABLE', ['Name a file in a directory you may write to.'])
    default:
      return usage(`${named} cannot be written: ${error.message}`, 'OUTPUT_NOT_WRITABLE')
  }
}

/**
 * Checks, before any AWS call, that a file the user named can be written: its directory exists and
 * is writable, it is not a directory, and it does not exist unless overwriting is allowed. A run
 * that read the whole account should not fail at the last step on a typo in --out.
 */
export async function checkOutputFile(file: string, options: OutputFileOptions): Promise<void> {
  const existing = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw refusal(file, options, error)
  })
  if (existing?.isDirectory()) throw refusal(file, options, Object.assign(new Error('is a directory'), {code: 'EISDIR'}))
  if (existing && !options.overwrite) throw refusal(file, options, Object.assign(new Error('exists'), {code: 'EEXIST'}))
  await access(path.dirname(file), constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw refusal(file, options, error)
  })
}

/** Writes a file the user named; every file-system refusal is a usage error (exit 64) naming the flag. */
export async function writeOutputFile(file: string, text: string, options: OutputFileOptions): Promise<void> {
  await writeFile(file, text, {flag: options.overwrite ? 'w' : 'wx'}).catch((error: NodeJS.ErrnoException) => {
    throw refusal(file, options, error)
  })
}
