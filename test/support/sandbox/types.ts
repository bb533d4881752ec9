/** How a call fails when a fault hits it. */
export type FaultKind = 'throttle' | '5xx' | 'drop' | 'denied'

/** A deterministic one-shot fault: the next `count` calls that match fail with `kind`. */
export interface FailNextRule {
  /** The service the call is for, as in the SigV4 scope: lakeformation, glue, iam, sts, s3, ... */
  service: string
  /** The operation, as the stats name it (GetDataLakeSettings, CreateBucket, ...); any when absent. */
  operation?: string
  /** throttle: the protocol's throttling error; 5xx: a 500; drop: the connection is closed unanswered; denied: the service's access-denied error (an IAM or bucket policy refusal). */
  kind: FaultKind
  /** How many matching calls fail; the rule is gone after that. */
  count: number
}

/** The faults the gateway injects before it routes a call. */
export interface FaultOptions {
  /** Delay added to every call, in milliseconds. */
  latencyMs: number
  /** Share of calls (0..1) answered with the protocol's throttling error. */
  throttleRate: number
  /** Share of calls (0..1) that fail otherwise: half with a 500, half with a dropped connection. */
  errorRate: number
  /** Seed of the random draws behind the rates; the same seed and call order give the same faults. */
  seed: number
  /** Pending one-shot faults, applied before the random ones, in order. */
  failNext: FailNextRule[]
}

/** Call counts since the last reset. Calls that were faulted count too: they are calls the client made. */
export interface SandboxStats {
  /** All calls, every service. */
  total: number
  /** Calls per service, then per operation. */
  services: Record<string, Record<string, number>>
  /** Faults injected, per kind. */
  faults: {throttle: number; error5xx: number; dropped: number; denied: number}
}

/** How to start the sandbox. */
export interface SandboxOptions {
  /** The gateway's port on 127.0.0.1; 0 or undefined picks a free one. */
  port?: number
  /** Initial FaultOptions.latencyMs. */
  latencyMs?: number
  /** Initial FaultOptions.throttleRate, 0..1. */
  throttleRate?: number
  /** Initial FaultOptions.errorRate, 0..1: half 5xx, half dropped connections. */
  errorRate?: number
  /** Initial FaultOptions.seed; 1 when absent. */
  seed?: number
  /** The account the sandbox plays; moto's default, 123456789012, when absent. */
  accountId?: string
  /** Receives progress lines and moto's output; silent when absent. */
  log?: (line: string) => void
  /** How long a simulated Glue crawl stays RUNNING (at least) and then STOPPING, in ms; 300 when absent. */
  crawlPhaseMs?: number
  /** CloudTrail LookupEvents calls accepted per second per region; AWS's 2 when absent, 0 for no limit. POST /_sandbox/cloudtrail changes it. */
  lookupEventsPerSecond?: number
  /** DuckDB memory_limit for the sandbox's Athena queries; '1GB' when absent. */
  athenaMemoryLimit?: string
  /** DuckDB threads for the sandbox's Athena queries; 2 when absent. */
  athenaThreads?: number
}

/** A running sandbox: moto behind the gateway, with Lake Formation served by the model. */
export interface Sandbox {
  /** Where clients point: http://127.0.0.1:PORT. */
  endpoint: string
  /** The gateway's port. */
  port: number
  /** Stops the gateway and moto; moto is gone when this resolves. */
  stop(): Promise<void>
  /** Clears the Lake Formation model, moto, the stats and pending one-shot faults; rates stay. */
  reset(): Promise<void>
  /** Call counts since the last reset. */
  stats(): Promise<SandboxStats>
  /** Changes faults at runtime; fields left out keep their value, failNext replaces the pending rules. */
  setFaults(faults: Partial<FaultOptions>): Promise<void>
}
