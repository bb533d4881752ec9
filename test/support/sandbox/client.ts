import type {FaultOptions, SandboxStats} from './types'

/** The environment variable the e2e global setup sets to the running sandbox's endpoint. */
export const SANDBOX_ENDPOINT_VARIABLE = 'LAKEGOV_SANDBOX_ENDPOINT'

/** The endpoint of the sandbox the e2e global setup started. */
export function sandboxEndpoint(): string {
  const endpoint = process.env[SANDBOX_ENDPOINT_VARIABLE]
  if (!endpoint) {
    throw new Error(
      `${SANDBOX_ENDPOINT_VARIABLE} is not set: no sandbox is running for this test. Run it in the e2e jest project ` +
        '(--selectProjects e2e), whose global setup starts the sandbox, or start one with `npm run sandbox -- --port N` and export the variable.',
    )
  }
  return endpoint
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandboxEndpoint()}${path}`, {
    method,
    headers: body === undefined ? undefined : {'content-type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`Sandbox ${method} ${path} failed with HTTP ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Clears the Lake Formation model, moto, the call stats and pending one-shot faults. */
export async function resetSandbox(): Promise<void> {
  await call('POST', '/_sandbox/reset')
}

/** Calls per service and operation since the last reset, and the faults injected. */
export async function sandboxStats(): Promise<SandboxStats> {
  return call<SandboxStats>('GET', '/_sandbox/stats')
}

/** Changes faults at runtime; failNext rules replace the pending ones. Returns the settings now in force. */
export async function setSandboxFaults(faults: Partial<FaultOptions>): Promise<FaultOptions> {
  return call<FaultOptions>('POST', '/_sandbox/faults', faults)
}
