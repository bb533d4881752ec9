import {SANDBOX_ENDPOINT_VARIABLE} from './sandbox/client'
import {type Sandbox, startSandbox} from './sandbox/index'

/** Where the teardown finds the sandbox: jest shares globalThis between globalSetup and globalTeardown only. */
export const SANDBOX_GLOBAL = '__LAKEGOV_SANDBOX__'

/**
 * Starts one sandbox for the whole e2e run. Jest hands the environment set here to the test workers,
 * so tests find it through LAKEGOV_SANDBOX_ENDPOINT. Without moto this throws: e2e tests fail
 * loudly rather than skip. LAKEGOV_SANDBOX_LOG=1 prints the sandbox's log to stderr.
 */
export default async function startE2eSandbox(): Promise<void> {
  const log = process.env.LAKEGOV_SANDBOX_LOG ? (line: string) => process.stderr.write(`${line}\n`) : undefined
  const sandbox: Sandbox = await startSandbox({log})
  ;(globalThis as Record<string, unknown>)[SANDBOX_GLOBAL] = sandbox
  process.env[SANDBOX_ENDPOINT_VARIABLE] = sandbox.endpoint
}
