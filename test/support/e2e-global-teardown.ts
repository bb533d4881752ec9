import {SANDBOX_GLOBAL} from './e2e-global-setup'
import type {Sandbox} from './sandbox/index'

/** Stops the sandbox the global setup started, moto included. */
export default async function stopE2eSandbox(): Promise<void> {
  const sandbox = (globalThis as Record<string, unknown>)[SANDBOX_GLOBAL] as Sandbox | undefined
  await sandbox?.stop()
  delete (globalThis as Record<string, unknown>)[SANDBOX_GLOBAL]
}
