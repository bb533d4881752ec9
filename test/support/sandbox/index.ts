import {LakeFormationModel} from '../lakeformation/model'
import {FaultInjector} from './faults'
import {close, createGateway, listen} from './gateway'
import {GlueExtension} from './glue/glue-extension'
import {CloudTrailChecks} from './cloudtrail-checks'
import {KmsChecks} from './kms-checks'
import {BucketPolicies} from './s3-policies'
import {startMoto} from './moto'
import {createMotoCatalog} from './moto-catalog'
import {createMotoVerifier} from './moto-verifier'
import {CallStats} from './stats'
import {AthenaService} from './athena/athena'
import {AlarmsExtension} from './alarms/index'
import {CloudTrailLogStore} from './cloudtrail/log-store'
import {DEFAULT_LOOKUP_EVENTS_PER_SECOND, LookupEventsService} from './cloudtrail/lookup-events'
import type {FaultOptions, Sandbox, SandboxOptions} from './types'

export type {FailNextRule, FaultKind, FaultOptions, Sandbox, SandboxOptions, SandboxStats} from './types'
export {MOTO_MISSING} from './moto'

/** moto's default account, which it reports for any credentials; the model must agree with it. */
export const DEFAULT_ACCOUNT_ID = '123456789012'

/**
 * Starts moto on a private port and the gateway in front of it on 127.0.0.1. Rejects, with moto
 * stopped, if either cannot start; a machine without moto gets the install command in the message.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined)
  const faults = new FaultInjector({
    latencyMs: options.latencyMs ?? 0,
    throttleRate: options.throttleRate ?? 0,
    errorRate: options.errorRate ?? 0,
    seed: options.seed ?? 1,
  })
  const moto = await startMoto({log})
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID
  const catalog = createMotoCatalog(moto.endpoint)
  const model = new LakeFormationModel({accountId, verify: createMotoVerifier(moto.endpoint), catalog})
  const bucketPolicies = new BucketPolicies(moto.endpoint)
  const cloudTrail = new CloudTrailChecks(moto.endpoint, bucketPolicies, accountId)
  const kms = new KmsChecks(moto.endpoint)
  const glue = new GlueExtension({motoEndpoint: moto.endpoint, model, accountId, crawlPhaseMs: options.crawlPhaseMs, log})
  const stats = new CallStats()
  const cloudTrailLogs = new CloudTrailLogStore(moto.endpoint, log)
  const lookupEvents = new LookupEventsService(cloudTrailLogs, accountId, options.lookupEventsPerSecond ?? DEFAULT_LOOKUP_EVENTS_PER_SECOND)
  const athena = new AthenaService({motoEndpoint: moto.endpoint, accountId, log, memoryLimit: options.athenaMemoryLimit, threads: options.athenaThreads})
  const alarms = new AlarmsExtension(moto.endpoint)

  const reset = async () => {
    // The Glue extension first: its crawls in flight must stop writing before moto is wiped under them.
    glue.reset()
    bucketPolicies.reset()
    cloudTrail.reset()
    athena.reset()
    alarms.reset()
    await moto.reset()
    cloudTrailLogs.reset()
    lookupEvents.reset()
    model.reset()
    stats.reset()
    faults.reset()
  }
  const gateway = createGateway({motoEndpoint: moto.endpoint, model, glue, bucketPolicies, cloudTrail, kms, faults, stats, cloudTrailLogs, lookupEvents, athena, alarms, reset, log})

  let port: number
  try {
    port = await listen(gateway, options.port ?? 0)
  } catch (error) {
    glue.close()
    catalog.close()
    cloudTrail.close()
    kms.close()
    athena.close()
    alarms.close()
    await moto.stop()
    throw error
  }
  const endpoint = `http://127.0.0.1:${port}`
  log(`sandbox gateway on ${endpoint}, moto on ${moto.endpoint}`)

  let stopping: Promise<void> | undefined
  return {
    endpoint,
    port,
    reset,
    async stats() {
      return stats.snapshot()
    },
    async setFaults(update: Partial<FaultOptions>) {
      faults.update(update)
    },
    stop() {
      // Idempotent: teardown code and signal handlers may both call it.
      glue.close()
      catalog.close()
      cloudTrail.close()
      kms.close()
      athena.close()
      alarms.close()
      stopping ??= Promise.allSettled([close(gateway), moto.stop()]).then(([gatewayClosed]) => {
        if (gatewayClosed.status === 'rejected') throw gatewayClosed.reason
      })
      return stopping
    },
  }
}
