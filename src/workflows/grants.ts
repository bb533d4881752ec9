/**
 * The composition root of the grants commands: reads the policy files (io), the account (aws), and
 * hands both to the pure core. Commands call these and render what comes back.
 */
import type {AwsClients} from '../aws/clients'
import {GlueAdapter} from '../aws/glue'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {StsAdapter} from '../aws/sts'
import {applyGrantsPlan, type ApplyOptions, type ApplyResult} from '../core/apply/apply'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {CallerIdentity} from '../core/model/lake'
import type {Grant} from '../core/model/grant'
import {bootstrapGrantsOf} from '../core/lake/bootstrap'
import type {LakeConfig} from '../core/lake/config'
import {isSamePrincipal} from '../core/model/principal'
import {markImplicit} from '../core/plan/diff'
import {assignmentTargets} from '../core/plan/objects'
import {buildPlan, fingerprintGrants, type Plan} from '../core/plan/plan'
import {PolicyInvalidError} from '../core/policy/errors'
import {checkCatalogReferences, referencedDatabases} from '../core/policy/references'
import type {DesiredState} from '../core/policy/types'
import type {CatalogReader} from '../core/ports'

/** The account as the grants engine sees it. */
export interface AccountView {
  /** LF-tags, data cells filters and tag assignments. */
  objects: LakeFormationAdapter
  /** Who is calling. */
  identity: CallerIdentity
  /** The region in use. */
  region: string
  /** The data lake administrators. */
  admins: string[]
  /** The read-only administrators, who see every grant but change nothing. */
  readOnlyAdmins: string[]
  /** The Lake Formation adapter bound to the account. */
  lakeformation: LakeFormationAdapter
  /** The Glue catalog, against which the files' databases, tables and columns are checked. */
  catalog: CatalogReader
}

export async function readAccount(clients: AwsClients): Promise<AccountView> {
  const identity = await new StsAdapter(clients).getCallerIdentity()
  const lakeformation = new LakeFormationAdapter(clients, identity.account)
  const settings = await lakeformation.getDataLakeSettings()
  // One Lake Formation adapter serves grants and objects (LF-tags, filters, assignments) alike.
  return {identity, region: await clients.region(), admins: settings.admins, readOnlyAdmins: settings.readOnlyAdmins, lakeformation, objects: lakeformation, catalog: new GlueAdapter(clients)}
}

/** The grants lake.yaml implies (bootstrap's), for this account; none without lake.yaml. */
export function managedGrants(account: AccountView, lake: LakeConfig | undefined): Grant[] {
  if (!lake) return []
  const partition = /^arn:([^:]+):/.exec(account.identity.arn)?.[1] ?? 'aws'
  return bootstrapGrantsOf(lake, {account: account.identity.account, region: account.region, partition})
}

/** Plans the grants against an account already read; `lake` is lake.yaml, when there is one. */
export async function planGrants(account: AccountView, state: DesiredState, options: {prune: boolean; lake?: LakeConfig}): Promise<Plan> {
  // Every database, table and column the files name must exist before anything is planned: Lake
  // Formation refuses grants on missing objects, and a typo would otherwise surface half way through apply.
  const issues = checkCatalogReferences(state, await account.catalog.readCatalog(referencedDatabases(state)))
  if (issues.length > 0) throw new PolicyInvalidError(issues, 'grants', true)
  const current = markImplicit(await account.lakeformation.listGrants(), account.admins)
  const objects = await account.objects.readObjects(state.scope.databases, assignmentTargets(state))
  return buildPlan({
    desired: state.grants,
    current,
    scope: state.scope,
    prune: options.prune,
    account: account.identity.account,
    region: account.region,
    objects: {desired: state, current: objects},
    managed: managedGrants(account, options.lake),
  })
}

/** Refuses a saved plan made for another target, or from a state that has changed since. */
export async function checkSavedPlan(plan: Plan, account: AccountView): Promise<void> {
  if (plan.account !== account.identity.account || plan.region !== account.region) {
    throw new LakegovError(`The plan was made for account ${plan.account} in ${plan.region}, not ${account.identity.account} in ${account.region}.`, {
      exitCode: ExitCode.StalePlan,
      code: 'PLAN_WRONG_TARGET',
      suggestions: ['Check --profile and --region, or make a new plan.'],
    })
  }
  const objects = await account.objects.readObjects(plan.scope.databases, plan.objectTargets)
  const now = fingerprintGrants(markImplicit(await account.lakeformation.listGrants(), account.admins), plan.scope, objects)
  if (now !== plan.fingerprint) {
    throw new LakegovError('Saved plan is stale: the grants in scope have changed since it was made.', {
      exitCode: ExitCode.StalePlan,
      code: 'PLAN_STALE',
      suggestions: ['Make a new plan (lakegov grants plan --out plan.json), review it, and apply that.'],
    })
  }
}

/** Refuses plans that would take access away from the caller or from a data lake administrator. */
export function checkSafety(plan: Plan, account: AccountView): void {
  const protectedPrincipals = [account.identity.arn, ...account.admins]
  const risky = plan.changes.filter(
    (change) => change.remove.permissions.length + change.remove.grantable.length > 0 && protectedPrincipals.some((principal) => isSamePrincipal(principal, change.principal)),
  )
  if (risky.length > 0) {
    throw new LakegovError(`Refusing to revoke permissions from the caller or a data lake administrator: ${risky.map((change) => change.key).join('; ')}.`, {
      exitCode: ExitCode.Usage,
      code: 'APPLY_UNSAFE',
      suggestions: ['Revoke these by hand if you mean it, or declare them in the policy files.'],
    })
  }
}

/** Objects first (grants name them), then grants; one result for both (core/apply/apply.ts). */
export async function applyPlan(plan: Plan, account: AccountView, options: ApplyOptions = {}): Promise<ApplyResult> {
  return applyGrantsPlan(plan, {objects: account.objects, grants: account.lakeformation}, options)
}
