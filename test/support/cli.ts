import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

/** What a CLI run left behind. */
export interface CliResult {
  /** The process exit code. */
  code: number | null
  /** Everything written to stdout. */
  stdout: string
  /** Everything written to stderr. */
  stderr: string
}

const ROOT = path.resolve(__dirname, '..', '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

/**
 * The environment a user would have against the sandbox: dummy credentials, a fixed region, an empty
 * HOME (so no real ~/.aws profile leaks in) and AWS_ENDPOINT_URL set to the sandbox.
 */
export function sandboxEnv(endpoint: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(tmpdir(), 'lakegov-home-'))
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  }
}

/** The sandbox environment with a CloudTrail object cache of its own, so a run never reuses another test's downloads. */
export function sandboxEnvWithCache(endpoint: string): NodeJS.ProcessEnv {
  return sandboxEnv(endpoint, {XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'lakegov-cache-'))})
}

/** The example policies/lake.yaml, without its editor schema line (a relative path that resolves only in the repository). */
export function exampleLakeYaml(): string {
  return readFileSync(path.join(ROOT, 'policies', 'lake.yaml'), 'utf8').replace(/^# yaml-language-server.*\n/, '')
}

/** lakegov against the sandbox with the example lake (ExampleLakeCli). */
export interface ExampleLakeCli {
  /** The policies folder: the example lake.yaml alone. */
  policies: string
  /** The sandbox environment, with a cache of its own. */
  env: NodeJS.ProcessEnv
  /** Runs lakegov with these arguments and `--policies` of the folder above. */
  run(...args: string[]): Promise<CliResult>
}

/** What the activity e2e tests run: the example lake.yaml in a policies folder of its own, and a cache of its own. */
export function exampleLakeCli(endpoint: string): ExampleLakeCli {
  const policies = mkdtempSync(path.join(tmpdir(), 'lakegov-policies-'))
  writeFileSync(path.join(policies, 'lake.yaml'), exampleLakeYaml())
  const env = sandboxEnvWithCache(endpoint)
  return {policies, env, run: (...args) => runCli([...args, '--policies', policies], env)}
}

/** Now, truncated to the second, as the activity commands' --to takes it. */
export function nowToTheSecond(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Runs the built CLI (`bin/run.js`) as a child process, the way a user would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

/** Parses a run's stdout as JSON, with the run's output in the error when it is not JSON. */
export function parseJson<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}
