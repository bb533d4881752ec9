/**
 * Cold start: `lakegov --version`, `--help` and `grants validate` (the example policy set) against
 * `node -e 0`, as ratios, in the built checkout (`npm run build`, which writes the oclif manifest)
 * and installed from the packed tarball (`npm pack`, then `npm install` of it into an empty folder).
 * Runs are interleaved round by round, so that a machine busy with other work slows the baseline
 * as much as the CLI. Each figure is a median; CPU time (user + system, from /usr/bin/time) is
 * printed beside wall time because it is far less sensitive to a loaded machine.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {installTarball, packTarball} from '../test/support/package'

const ROOT = path.resolve(__dirname, '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
export const COLD_START_GOAL = 3

interface Sample {
  wallMs: number
  cpuMs: number
}

interface Target {
  name: string
  command: string[]
  cwd: string
}

/** One run under /usr/bin/time: wall time measured here, CPU time as the child used it. */
function measure(target: Target): Sample {
  const start = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-f', 'cpu=%U+%S', ...target.command], {cwd: target.cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe']})
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${target.name} exited ${result.status}: ${result.stderr}`)
  const [user, system] = (/cpu=([\d.]+)\+([\d.]+)/.exec(result.stderr) ?? ['', '0', '0']).slice(1).map(Number)
  return {wallMs, cpuMs: (user + system) * 1000}
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** One line per target: its medians and its ratios to `node -e 0` measured in the same rounds. */
export interface ColdStartRow {
  name: string
  wallMs: number
  cpuMs: number
  wallRatio: number
  cpuRatio: number
}

export function benchColdStart(): {baseline: Sample; rows: ColdStartRow[]} {
  const policies = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-policies-'))
  cpSync(path.join(ROOT, 'policies'), policies, {recursive: true})
  const installed = installTarball(packTarball().file)
  const installedBin = path.join(installed, 'node_modules', 'lakegov', 'bin', 'run.js')
  const checkoutBin = path.join(ROOT, 'bin', 'run.js')
  const node = process.execPath
  const baseline: Target = {name: 'node -e 0', command: [node, '-e', '0'], cwd: ROOT}
  const targets: Target[] = [
    ...[
      ['checkout', checkoutBin],
      ['tarball', installedBin],
    ].flatMap(([where, bin]) => [
      {name: `${where}: lakegov --version`, command: [node, bin, '--version'], cwd: ROOT},
      {name: `${where}: lakegov --help`, command: [node, bin, '--help'], cwd: ROOT},
      {name: `${where}: lakegov grants validate`, command: [node, bin, 'grants', 'validate', '--policies', policies], cwd: ROOT},
    ]),
  ]
  const samples = new Map<string, Sample[]>([[baseline.name, []], ...targets.map((target): [string, Sample[]] => [target.name, []])])
  // Two warm-up rounds fill the file-system cache; they are not counted.
  for (let round = 0; round < RUNS + 2; round++) {
    for (const target of [baseline, ...targets]) {
      const sample = measure(target)
      if (round >= 2) samples.get(target.name)!.push(sample)
    }
  }
  const summarise = (name: string): Sample => ({wallMs: median(samples.get(name)!.map((s) => s.wallMs)), cpuMs: median(samples.get(name)!.map((s) => s.cpuMs))})
  const base = summarise(baseline.name)
  const rows = targets.map((target) => {
    const {wallMs, cpuMs} = summarise(target.name)
    return {name: target.name, wallMs, cpuMs, wallRatio: wallMs / base.wallMs, cpuRatio: cpuMs / base.cpuMs}
  })
  return {baseline: base, rows}
}

/** The benchmark as printed lines. */
export function renderColdStart({baseline, rows}: ReturnType<typeof benchColdStart>): string[] {
  const verdict = (ratio: number) => (ratio <= COLD_START_GOAL ? 'met' : 'MISSED')
  return [
    `cold start (median of ${RUNS}, goal <= ${COLD_START_GOAL}x node -e 0): node -e 0 ${baseline.wallMs.toFixed(0)} ms wall, ${baseline.cpuMs.toFixed(0)} ms CPU`,
    ...rows.map(
      (row) =>
        `  ${row.name.padEnd(40)} ${row.wallMs.toFixed(0).padStart(5)} ms wall ${row.wallRatio.toFixed(2)}x (${verdict(row.wallRatio)}), ${row.cpuMs.toFixed(0).padStart(5)} ms CPU ${row.cpuRatio.toFixed(2)}x`,
    ),
  ]
}

if (require.main === module) console.log(renderColdStart(benchColdStart()).join('\n'))
