/**
 * `npm run sandbox -- --port N [--latency-ms X] [--throttle-rate R] [--error-rate R] [--seed S]`
 * Runs the sandbox until SIGTERM or SIGINT. Stdout gets one line, `endpoint: http://127.0.0.1:N`,
 * once it is ready; logs go to stderr.
 */
import {parseArgs} from 'node:util'

import {startSandbox} from './index'
import type {SandboxOptions} from './types'

const USAGE = `Usage: npm run sandbox -- [--port N] [--latency-ms X] [--throttle-rate R] [--error-rate R] [--seed S] [--account-id ID] [--lookup-events-per-second N] [--verbose]
  --port N           gateway port on 127.0.0.1 (default: a free port)
  --latency-ms X     delay added to every AWS call
  --throttle-rate R  share of calls throttled, 0..1
  --error-rate R     share of calls failed, 0..1 (half 500s, half dropped connections)
  --seed S           seed for the fault draws (default 1)
  --account-id ID    the account the sandbox plays (default 123456789012)
  --lookup-events-per-second N  CloudTrail LookupEvents rate per region (default 2, as AWS; 0 = no limit)
  --verbose          log every injected fault and moto's output to stderr`

const EXIT_USAGE = 64

function number(value: string | undefined, flag: string, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed)) throw new Error(`${flag}: invalid value ${JSON.stringify(value)}`)
  return parsed
}

function parseOptions(argv: string[]): SandboxOptions & {help: boolean; verbose: boolean} {
  const {values} = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: {type: 'string'},
      'latency-ms': {type: 'string'},
      'throttle-rate': {type: 'string'},
      'error-rate': {type: 'string'},
      seed: {type: 'string'},
      'account-id': {type: 'string'},
      'lookup-events-per-second': {type: 'string'},
      verbose: {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
  })
  const rate = (n: number) => n >= 0 && n <= 1
  const accountId = values['account-id']
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new Error(`--account-id: ${JSON.stringify(accountId)} is not a 12-digit account id`)
  return {
    help: values.help ?? false,
    verbose: values.verbose ?? false,
    port: number(values.port, '--port', (n) => Number.isInteger(n) && n >= 0 && n < 65536),
    latencyMs: number(values['latency-ms'], '--latency-ms', (n) => n >= 0),
    throttleRate: number(values['throttle-rate'], '--throttle-rate', rate),
    errorRate: number(values['error-rate'], '--error-rate', rate),
    seed: number(values.seed, '--seed', Number.isInteger),
    accountId,
    lookupEventsPerSecond: number(values['lookup-events-per-second'], '--lookup-events-per-second', (n) => n >= 0),
  }
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`)
    process.exit(EXIT_USAGE)
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  const log = (line: string) => process.stderr.write(`${line}\n`)
  const sandbox = await startSandbox({...options, log: options.verbose ? log : undefined})

  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log(`sandbox: ${signal}, stopping`)
    await sandbox.stop()
    process.exit(0)
  }
  process.on('SIGTERM', (signal) => void stop(signal))
  process.on('SIGINT', (signal) => void stop(signal))

  process.stdout.write(`endpoint: ${sandbox.endpoint}\n`)
}

main().catch((error: Error) => {
  process.stderr.write(`sandbox: ${error.message}\n`)
  process.exit(1)
})
