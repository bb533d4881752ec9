import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
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
