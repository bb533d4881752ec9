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
 * Runs the built CLI under /usr/bin/time for its peak memory. With okCodes, a run that exits with any
 * other code rejects, with the end of its stdout (where --json puts its error) and stderr: a failed
 * run's time is not a measurement.
 */
export function timedCli(args: string[], env: NodeJS.ProcessEnv, options: {cwd: string; okCodes?: number[]}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    let stderr = ''
    let stdoutTail = ''
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, BIN, ...args], {env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.on('data', (chunk) => (stdoutTail = (stdoutTail + chunk).slice(-4000)))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (options.okCodes && !options.okCodes.includes(code ?? -1)) {
        reject(new Error(`lakegov ${args.join(' ')} exited ${code} (expected ${options.okCodes.join(' or ')}).\nstdout (end):\n${stdoutTail}\nstderr (end):\n${stderr.slice(-4000)}`))
        return
      }
      const kb = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0)
      resolve({ms: Number(process.hrtime.bigint() - start) / 1e6, maxRssMb: kb / 1024, code, stderr: stderr.replace(/^maxrss=\d+\n?/m, '')})
    })
  })
}
