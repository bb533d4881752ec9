import {SANDBOX_GLOBAL} from './e2e-global-setup'
import type {Sandbox} from './sandbox/index'

/** Stops the sandboxes the global setup started, moto included. */
export default async function stopE2eSandboxes(): Promise<void> {
  const sandboxes = ((globalThis as Record<string, unknown>)[SANDBOX_GLOBAL] ?? []) as Sandbox[]
  const stopped = await Promise.allSettled(sandboxes.map((sandbox) => sandbox.stop()))
  delete (globalThis as Record<string, unknown>)[SANDBOX_GLOBAL]
  const failed = stopped.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
}
