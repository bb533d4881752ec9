/**
 * The composition root of bootstrap and status: lake.yaml (io), the account (aws), and the pure
 * planner (core). Commands call these and render what comes back.
 */
import {AwsClients} from '../aws/clients'
import {LakeAdapter, type LakeAdapterOptions} from './lake'
import {applyBootstrapPlan, type BootstrapRun, type StepOutcome} from '../core/lake/apply'
import {checkAdminSafety, planBootstrap, type BootstrapOptions, type BootstrapPlan} from '../core/lake/bootstrap'
import {checkRegionAgrees, locationArnOf, type LakeConfig} from '../core/lake/config'

/** The account read against lake.yaml. */
export interface LakeView {
  /** The adapters, bound to the account. */
  adapter: LakeAdapter
  /** The plan. */
  plan: BootstrapPlan
}

/**
 * The clients for the lake's region. lake.yaml names the region; --region may repeat it but not
 * contradict it, since a lake half built in two regions is worse than an error.
 */
export function clientsForLake(clients: AwsClients, config: LakeConfig, flagRegion: string | undefined): AwsClients {
  checkRegionAgrees(flagRegion, config.region, config.sources.region)
  return new AwsClients({...clients.context, region: config.region})
}

/** Reads the account and plans; checks the admin safety rules when the plan is to be applied. */
export async function readLake(clients: AwsClients, config: LakeConfig, options: BootstrapOptions & {forApply?: boolean} & LakeAdapterOptions = {}): Promise<LakeView> {
  const {adapter, caller} = await LakeAdapter.connect(clients, options)
  const observed = await adapter.observe(config, caller)
  if (options.forApply) checkAdminSafety(config, observed, options)
  return {adapter, plan: planBootstrap(config, observed, options)}
}

/** Applies the plan in order, then reads back whether Lake Formation verified the registration. */
export async function runBootstrap(view: LakeView, config: LakeConfig, onProgress?: (outcome: StepOutcome) => void): Promise<BootstrapRun> {
  const result = await applyBootstrapPlan(view.plan, (change) => view.adapter.apply(change), onProgress)
  const registration = await view.adapter.lakeformation.describeRegistration(locationArnOf(config.bucket)).catch(() => undefined)
  return {...result, ...(registration?.verificationStatus ? {verificationStatus: registration.verificationStatus} : {})}
}
