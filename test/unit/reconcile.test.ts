import {applyTablePlan, type TablePorts} from '../../src/core/catalog/table-apply'
import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import {planTable} from '../../src/core/catalog/table-plan'
import {LakegovError} from '../../src/core/errors'
import {ExitCode} from '../../src/core/exit-codes'
import type {BootstrapPlan, StepPlan} from '../../src/core/lake/bootstrap'
import {canonicalGrant, type Grant} from '../../src/core/model/grant'
import type {EntryFailure, GrantEntry} from '../../src/core/ports'
import {applyInOrder, eachGroup} from '../../src/core/reconcile/apply'
import {bootstrapChanges, bootstrapPlanKind, tablePlanKind} from '../../src/core/reconcile/plans'
import {exitCodeOf, summarize, type Applied, type Change, type Outcome} from '../../src/core/reconcile/reconcile'

const change = (key: string): Change<string> => ({action: 'write', key, input: key})
const denied = () => new LakegovError('Access denied (during glue:CreateTable)', {exitCode: ExitCode.AwsAccess, code: 'AWS_ACCESS_DENIED', suggestions: ['Allow glue:CreateTable']})

/** A port that writes every key except those listed, which it refuses with `error`. */
function port(refuse: string[], error: () => Error = denied) {
  const written: string[] = []
  return {
    written,
    write: async (key: string) => {
      if (refuse.includes(key)) throw error()
      written.push(key)
    },
  }
}

const statuses = (outcomes: Outcome[]) => outcomes.map((outcome) => `${outcome.key}:${outcome.status}`)

describe('applyInOrder', () => {
  it('stops at the first failure: the rest are skipped, and only attempted changes are reported as progress', async () => {
    const writer = port(['b'])
    const progress: string[] = []
    const result = await applyInOrder([eachGroup(['a', 'b', 'c'].map(change), writer.write, {errorCode: 'X'})], {onFailure: 'stop', onOutcome: (outcome) => progress.push(outcome.key)})
    expect(statuses(result.outcomes)).toEqual(['a:applied', 'b:failed', 'c:skipped'])
    expect(result.outcomes[1].error).toEqual({code: 'AWS_ACCESS_DENIED', message: 'Access denied (during glue:CreateTable)', suggestions: ['Allow glue:CreateTable']})
    expect(result.stoppedBy).toEqual({key: 'b', exitCode: ExitCode.AwsAccess})
    expect(writer.written).toEqual(['a'])
    expect(progress).toEqual(['a', 'b'])
  })

  it('goes on after a failure when asked to, and tags the error', async () => {
    const writer = port(['b'], () => new Error('boom'))
    const result = await applyInOrder([eachGroup(['a', 'b', 'c'].map(change), writer.write, {errorCode: 'OBJECT_CHANGE_FAILED', tag: {step: 'object'}})], {onFailure: 'continue'})
    expect(statuses(result.outcomes)).toEqual(['a:applied', 'b:failed', 'c:applied'])
    expect(result.outcomes[1].error).toMatchObject({code: 'OBJECT_CHANGE_FAILED', message: 'Error: boom', step: 'object'})
    expect(result.stoppedBy).toBeUndefined()
  })

  it('plans a late group only when the groups before it went through', async () => {
    let planned = 0
    const late = async () => {
      planned++
      return [change('late')]
    }
    const ok = await applyInOrder([eachGroup([change('a')], port([]).write, {errorCode: 'X'}), eachGroup(late, port([]).write, {errorCode: 'X'})], {onFailure: 'stop'})
    expect(statuses(ok.outcomes)).toEqual(['a:applied', 'late:applied'])
    const stopped = await applyInOrder([eachGroup([change('a')], port(['a']).write, {errorCode: 'X'}), eachGroup(late, port([]).write, {errorCode: 'X'})], {onFailure: 'stop'})
    expect(statuses(stopped.outcomes)).toEqual(['a:failed'])
    expect(planned).toBe(1)
  })
})

describe('summarize and exitCodeOf', () => {
  const outcome = (status: Outcome['status']): Outcome => ({action: 'write', key: status, status})

  it('counts outcomes by status', () => {
    expect(summarize([outcome('applied'), outcome('applied'), outcome('failed'), outcome('skipped')])).toEqual({applied: 2, failed: 1, skipped: 1})
  })

  it.each([
    ['everything applied', {outcomes: [outcome('applied')]}, ExitCode.Ok],
    ['nothing to do', {outcomes: []}, ExitCode.Ok],
    ['a failure the run went on after', {outcomes: [outcome('failed'), outcome('applied')]}, ExitCode.ApplyFailed],
    ['stopped by an access problem', {outcomes: [outcome('failed'), outcome('skipped')], stoppedBy: {key: 'failed', exitCode: ExitCode.AwsAccess}}, ExitCode.AwsAccess],
    ['stopped by another failure', {outcomes: [outcome('failed')], stoppedBy: {key: 'failed', exitCode: ExitCode.Internal}}, ExitCode.ApplyFailed],
    ['a blocked step, every change applied', {outcomes: [outcome('applied')], blocked: ['key']}, ExitCode.ApplyFailed],
  ] as Array<[string, Applied, number]>)('%s', (_name, result, code) => {
    expect(exitCodeOf(result)).toBe(code)
  })
})

describe('the bootstrap plan kind', () => {
  const stepPlan = (step: StepPlan['step'], status: StepPlan['status'], actions: string[] = []): StepPlan => ({
    step,
    title: step,
    status,
    notes: [],
    changes: actions.map((action) => ({action, summary: `${action} summary`}) as unknown as StepPlan['changes'][number]),
  })
  const plan = (steps: StepPlan[]): BootstrapPlan => ({account: '111122223333', region: 'us-east-1', steps, summary: {changes: 0, ok: 0, missing: 0, drifted: 0, blocked: 0}})

  it('applies a plan with only a blocked step (to report it), but does not count it as changes', () => {
    const blocked = plan([stepPlan('bucket', 'ok'), stepPlan('key', 'blocked')])
    expect([bootstrapPlanKind.hasChanges(blocked), bootstrapPlanKind.canApply(blocked), bootstrapPlanKind.hasDrift(blocked)]).toEqual([false, true, true])
    const converged = plan([stepPlan('bucket', 'ok')])
    expect([bootstrapPlanKind.hasChanges(converged), bootstrapPlanKind.canApply(converged), bootstrapPlanKind.hasDrift(converged)]).toEqual([false, false, false])
  })

  it('gives every change a unique key, numbering an action a step repeats', () => {
    const changes = bootstrapChanges(plan([stepPlan('bucket', 'missing', ['CreateBucket']), stepPlan('trail', 'drifted', ['PutRolePolicy', 'PutRolePolicy'])]))
    expect(changes.map((entry) => [entry.step, entry.key, entry.summary])).toEqual([
      ['bucket', 'bucket/CreateBucket', 'CreateBucket summary'],
      ['trail', 'trail/PutRolePolicy', 'PutRolePolicy summary'],
      ['trail', 'trail/PutRolePolicy#2', 'PutRolePolicy summary'],
    ])
  })
})

describe('applyTablePlan', () => {
  const desired = buildCloudTrailTable({database: 'cloudtrail', name: 'logs', bucket: 'b', prefix: 'AWSLogs/', accounts: ['111122223333'], regions: ['us-east-1'], startDate: '2024/01/01'})
  const governed = {createTableDefaultPermissions: []}
  const iamAllowed: Grant = canonicalGrant({principal: 'IAM_ALLOWED_PRINCIPALS', resource: {type: 'table', database: 'cloudtrail', table: 'logs'}, permissions: ['ALL'], grantable: []})

  function ports(options: {refuseWrite?: boolean; grants?: Grant[]}) {
    const revoked: string[] = []
    const tables = {
      createTable: async () => {
        if (options.refuseWrite) throw denied()
      },
      updateTable: async () => undefined,
    }
    const grants = {
      listGrants: async () => options.grants ?? [],
      batchGrant: async (): Promise<EntryFailure[]> => [],
      batchRevoke: async (entries: GrantEntry[]): Promise<EntryFailure[]> => {
        revoked.push(...entries.map((entry) => entry.id))
        return []
      },
    }
    return {revoked, ports: {tables, grants} as unknown as TablePorts}
  }

  it('reports a refused table write as an outcome, exits 4, and revokes nothing', async () => {
    const plan = planTable(desired, undefined, 'cloudtrail', governed, [])
    expect(tablePlanKind.canApply(plan)).toBe(true)
    const {revoked, ports: fake} = ports({refuseWrite: true, grants: [iamAllowed]})
    const run = await applyTablePlan(plan, fake)
    expect(run).toMatchObject({table: 'failed', ok: false, exitCode: ExitCode.AwsAccess, revoked: []})
    expect(run.outcomes).toEqual([{action: 'create', key: 'cloudtrail.logs', status: 'failed', error: {code: 'AWS_ACCESS_DENIED', message: 'Access denied (during glue:CreateTable)', suggestions: ['Allow glue:CreateTable']}}])
    expect(revoked).toEqual([])
  })

  it('reads the grants of a table it just created and revokes IAM_ALLOWED_PRINCIPALS', async () => {
    const plan = planTable(desired, undefined, 'cloudtrail', governed, [])
    const {revoked, ports: fake} = ports({grants: [iamAllowed]})
    const run = await applyTablePlan(plan, fake)
    expect(run).toMatchObject({table: 'created', ok: true, exitCode: ExitCode.Ok})
    expect(statuses(run.revoked)).toEqual(['IAM_ALLOWED_PRINCIPALS table:cloudtrail.logs:applied'])
    expect(revoked).toEqual(['IAM_ALLOWED_PRINCIPALS table:cloudtrail.logs'])
  })
})
