import {SANDBOX_ENDPOINTS_VARIABLE, SANDBOX_ENDPOINT_VARIABLE} from './sandbox/client'
import {type Sandbox, startSandbox} from './sandbox/index'

/** Where the teardown finds the sandboxes: jest shares globalThis between globalSetup and globalTeardown only. */
export const SANDBOX_GLOBAL = '__LAKEGOV_SANDBOXES__'

/**
 * Starts one sandbox per jest worker for the whole run: test files reset the sandbox and queue
 * faults, so files running in parallel must not share one. Jest hands the environment set here to
 * the workers; sandboxEndpoint() picks the worker's own. Without moto this throws: e2e tests fail
 * loudly rather than skip. LAKEGOV_SANDBOX_LOG=1 prints the sandboxes' logs to stderr.
 */
export default async function startE2eSandboxes(globalConfig?: {maxWorkers?: number}): Promise<void> {
  const count = Math.max(1, globalConfig?.maxWorkers ?? 1)
  const logFor = (index: number) => (process.env.LAKEGOV_SANDBOX_LOG ? (line: string) => process.stderr.write(`[sandbox ${index + 1}] ${line}\n`) : undefined)
  const started = await Promise.allSettled(Array.from({length: count}, (_, index) => startSandbox({log: logFor(index)})))
  const sandboxes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) {
    await Promise.allSettled(sandboxes.map((sandbox) => sandbox.stop()))
    throw failed.reason
  }
  ;(globalThis as Record<string, unknown>)[SANDBOX_GLOBAL] = sandboxes
  process.env[SANDBOX_ENDPOINT_VARIABLE] = sandboxes[0].endpoint
  process.env[SANDBOX_ENDPOINTS_VARIABLE] = sandboxes.map((sandbox: Sandbox) => sandbox.endpoint).join(',')
}
