import {spawn} from 'node:child_process'
import path from 'node:path'

const BIN = path.resolve(__dirname, '..', 'bin', 'run.js')

/** How one CLI run went. */
export interface TimedRun {
  /** Wall time, in ms. */
  ms: number
  /** Peak resident memory, in MB, as /usr/bin/time reports it. */
  maxRssMb: number
  /** The exit code. */
  code: number | null
  /** What the run wrote to stderr (its progress lines), without /usr/bin/time's line. */
  stderr: string
}

/**
 * Runs the built CLI under /usr/bin/time for its peak memory. With okCodes, the run's stderr is
 * echoed when it exits with any other code, so that a failing benchmark says why.
 */
export function timedCli(args: string[], env: NodeJS.ProcessEnv, options: {cwd: string; okCodes?: number[]}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    let stderr = ''
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, BIN, ...args], {env, cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe']})
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (options.okCodes && !options.okCodes.includes(code ?? -1)) process.stderr.write(stderr)
      const kb = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0)
      resolve({ms: Number(process.hrtime.bigint() - start) / 1e6, maxRssMb: kb / 1024, code, stderr: stderr.replace(/^maxrss=\d+\n?/m, '')})
    })
  })
}
