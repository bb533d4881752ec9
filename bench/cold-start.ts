/**
 * Cold start: `lakegov --version` against `node -e 0` on the same machine, as a ratio. Measured as
 * installed from npm, that is with the oclif manifest present (prepack writes it); the manifest is
 * removed again afterwards because a stale one would hide new commands in development.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, rmSync} from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const GOAL = 3

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function time(args: string[]): number {
  const samples: number[] = []
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, args, {cwd: ROOT, stdio: 'ignore'})
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`)
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(samples)
}

export function benchColdStart(): {baselineMs: number; lakegovMs: number; ratio: number} {
  const manifest = path.join(ROOT, 'oclif.manifest.json')
  const hadManifest = existsSync(manifest)
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'oclif', 'bin', 'run.js'), 'manifest'], {cwd: ROOT, stdio: 'ignore'})
  try {
    const baselineMs = time(['-e', '0'])
    const lakegovMs = time([path.join('bin', 'run.js'), '--version'])
    return {baselineMs, lakegovMs, ratio: lakegovMs / baselineMs}
  } finally {
    if (!hadManifest) rmSync(manifest, {force: true})
  }
}

if (require.main === module) {
  const {baselineMs, lakegovMs, ratio} = benchColdStart()
  console.log(`cold start (median of ${RUNS}): node -e 0 ${baselineMs.toFixed(1)} ms, lakegov --version ${lakegovMs.toFixed(1)} ms`)
  console.log(`ratio ${ratio.toFixed(2)}x (goal <= ${GOAL}x: ${ratio <= GOAL ? 'met' : 'MISSED'})`)
}
