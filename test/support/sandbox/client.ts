import type {FaultOptions, SandboxStats} from './types'

/** The environment variable the e2e global setup sets to the (first) running sandbox's endpoint. */
export const SANDBOX_ENDPOINT_VARIABLE = 'LAKEGOV_SANDBOX_ENDPOINT'
/** Comma-separated endpoints, one sandbox per jest worker, set by the e2e global setup. */
export const SANDBOX_ENDPOINTS_VARIABLE = 'LAKEGOV_SANDBOX_ENDPOINTS'

/**
 * The endpoint of this jest worker's sandbox. Each worker gets its own, because tests reset the
 * sandbox and queue faults: two test files sharing one would break each other when run in parallel.
 * Outside jest, or with a single sandbox, it is LAKEGOV_SANDBOX_ENDPOINT.
 */
export function sandboxEndpoint(): string {
  const perWorker = (process.env[SANDBOX_ENDPOINTS_VARIABLE] ?? '').split(',').filter(Boolean)
  const worker = Number(process.env.JEST_WORKER_ID)
  // Jest numbers its workers from 1; the modulo only guards against a worker the setup did not plan for.
  if (perWorker.length > 0 && Number.isInteger(worker) && worker >= 1) return perWorker[(worker - 1) % perWorker.length]
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
  const send = () =>
    fetch(`${sandboxEndpoint()}${path}`, {
      method,
      headers: body === undefined ? undefined : {'content-type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  let response: Response
  try {
    response = await send()
  } catch (error) {
    // A kept-alive socket the gateway closed as it was reused (seen once under load as ECONNRESET on
    // /_sandbox/reset): every control route is idempotent, so one retry on a fresh socket is safe.
    if ((error as {cause?: {code?: string}}).cause?.code !== 'ECONNRESET') throw error
    response = await send()
  }
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

/** AWS SDK client configuration for a sandbox: its endpoint, a fixed region and dummy credentials. */
export function sandboxSdkConfig(endpoint = sandboxEndpoint(), maxAttempts?: number) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'},
    ...(maxAttempts === undefined ? {} : {maxAttempts}),
  }
}

/** The sandbox's CloudTrail settings. */
export interface SandboxCloudTrailSettings {
  /** LookupEvents calls accepted per second per region (AWS: 2); 0 means no limit. */
  lookupEventsPerSecond: number
}

/** Changes the LookupEvents rate limit (and forgets the calls counted so far). Returns the settings in force. */
export async function setSandboxCloudTrail(settings: Partial<SandboxCloudTrailSettings>): Promise<SandboxCloudTrailSettings> {
  return call<SandboxCloudTrailSettings>('POST', '/_sandbox/cloudtrail', settings)
}

/** The sandbox's Athena controls. */
export interface SandboxAthenaControls {
  /** Hold queries in RUNNING until set back to false (or until StopQueryExecution). */
  holdRunning: boolean
  /** How long a query stays QUEUED, in ms (20 by default). */
  queuedMs: number
}

/** Changes the Athena controls; `holdRunning: false` releases held queries. Reset restores the defaults. */
export async function setSandboxAthena(controls: Partial<SandboxAthenaControls>): Promise<SandboxAthenaControls> {
  return call<SandboxAthenaControls>('POST', '/_sandbox/athena', controls)
}

/** Confirms the pending SNS email subscriptions of an address ("*" for all), as the owner clicking the link would. Returns their ARNs. */
export async function confirmSandboxSubscriptions(address: string): Promise<string[]> {
  const answer = await call<{confirmed: {subscriptionArn: string}[]}>('POST', '/_sandbox/sns', {confirm: address})
  return answer.confirmed.map((subscription) => subscription.subscriptionArn)
}
