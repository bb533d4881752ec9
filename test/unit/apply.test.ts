import {applyChanges, entriesOf} from '../../src/core/apply/apply'
import {LakegovError} from '../../src/core/errors'
import {canonicalGrant, type Permission, type Resource} from '../../src/core/model/grant'
import {changeFor, type GrantChange} from '../../src/core/plan/diff'
import type {EntryFailure, GrantEntry, GrantWriter} from '../../src/core/ports'

const table = (name: string): Resource => ({type: 'table', database: 'cloudtrail', table: name})

function change(principal: string, resource: Resource, before: Permission[], after: Permission[]): GrantChange {
  const grant = (permissions: Permission[]) => (permissions.length === 0 ? undefined : canonicalGrant({principal, resource, permissions, grantable: []}))
  const current = grant(before)
  const desired = grant(after)
  return changeFor(`${principal} ${resource.type}`, current, desired)!
}

/** A writer that records calls and answers each entry from a script: undefined means success. */
class FakeWriter implements GrantWriter {
  readonly calls: Array<{step: 'grant' | 'revoke'; ids: string[]}> = []
  constructor(private readonly answer: (step: 'grant' | 'revoke', entry: GrantEntry, call: number) => Omit<EntryFailure, 'id'> | 'throw' | undefined = () => undefined) {}

  async batchGrant(entries: GrantEntry[]) {
    return this.record('grant', entries)
  }

  async batchRevoke(entries: GrantEntry[]) {
    return this.record('revoke', entries)
  }

  private record(step: 'grant' | 'revoke', entries: GrantEntry[]): EntryFailure[] {
    this.calls.push({step, ids: entries.map((entry) => entry.id)})
    const failures: EntryFailure[] = []
    for (const entry of entries) {
      const answer = this.answer(step, entry, this.calls.length)
      if (answer === 'throw') throw new LakegovError('Access denied (during lakeformation:BatchGrantPermissions)', {exitCode: 4, code: 'AWS_ACCESS_DENIED'})
      if (answer) failures.push({id: entry.id, ...answer})
    }
    return failures
  }
}

const noSleep = async () => {}

describe('entriesOf', () => {
  it('splits a change into what to grant and what to revoke', () => {
    const {grants, revokes} = entriesOf([change('p1', table('logs'), ['SELECT', 'ALTER'], ['SELECT', 'DESCRIBE'])])
    expect(grants).toEqual([{id: 'p1 table', principal: 'p1', resource: table('logs'), permissions: ['DESCRIBE'], grantable: []}])
    expect(revokes).toEqual([{id: 'p1 table', principal: 'p1', resource: table('logs'), permissions: ['ALTER'], grantable: []}])
  })
})

describe('applyChanges', () => {
  const many = (count: number, before: Permission[], after: Permission[]) =>
    Array.from({length: count}, (_, i) => change(`arn:aws:iam::111122223333:role/r${String(i).padStart(3, '0')}`, table('logs'), before, after))

  it('sends grants 20 per call, then revokes, and applies everything', async () => {
    const writer = new FakeWriter()
    const result = await applyChanges([...many(45, [], ['SELECT']), ...many(3, ['DESCRIBE'], [])], writer, {sleep: noSleep})
    expect(writer.calls.map((call) => `${call.step}:${call.ids.length}`)).toEqual(['grant:20', 'grant:20', 'grant:5', 'revoke:3'])
    expect(result).toMatchObject({ok: true, calls: 4})
    expect(result.outcomes.every((outcome) => outcome.status === 'applied')).toBe(true)
  })

  it('retries entries that failed with ConcurrentModificationException, with backoff', async () => {
    const waits: number[] = []
    const writer = new FakeWriter((_step, entry, call) => (call <= 2 && entry.id.includes('r001') ? {code: 'ConcurrentModificationException', message: 'busy'} : undefined))
    const result = await applyChanges(many(3, [], ['SELECT']), writer, {sleep: async (ms) => void waits.push(ms), backoffMs: 100})
    expect(writer.calls.map((call) => call.ids.length)).toEqual([3, 1, 1])
    expect(waits).toEqual([100, 200])
    expect(result.ok).toBe(true)
  })

  it('reports every entry Lake Formation refused, and goes on with the rest', async () => {
    const writer = new FakeWriter((_step, entry) => (entry.id.includes('r002') ? {code: 'InvalidInputException', message: 'Table not found'} : undefined))
    const result = await applyChanges(many(4, [], ['SELECT']), writer, {sleep: noSleep})
    expect(result.ok).toBe(false)
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'failed', 'applied'])
    expect(result.outcomes[2].error).toEqual({code: 'InvalidInputException', message: 'Table not found', step: 'grant'})
  })

  it('counts a revoke of something already gone as done', async () => {
    const writer = new FakeWriter(() => ({code: 'InvalidInputException', message: 'Grantee has no permissions and no grantable permissions on resource'}))
    const result = await applyChanges(many(2, ['SELECT'], []), writer, {sleep: noSleep})
    expect(result.ok).toBe(true)
  })

  it('does not revoke the old path when granting the new one failed', async () => {
    const writer = new FakeWriter((step) => (step === 'grant' ? {code: 'InvalidInputException', message: 'nope'} : undefined))
    const result = await applyChanges([change('p', table('logs'), ['ALTER'], ['SELECT'])], writer, {sleep: noSleep})
    expect(writer.calls.map((call) => call.step)).toEqual(['grant'])
    expect(result.outcomes[0]).toMatchObject({status: 'failed', error: {step: 'grant'}})
  })

  it('stops when a call fails as a whole, and reports the rest as skipped', async () => {
    const writer = new FakeWriter((_step, _entry, call) => (call === 2 ? 'throw' : undefined))
    const result = await applyChanges(many(45, [], ['SELECT']), writer, {sleep: noSleep})
    expect(writer.calls).toHaveLength(2)
    const counts = result.outcomes.reduce<Record<string, number>>((acc, outcome) => ({...acc, [outcome.status]: (acc[outcome.status] ?? 0) + 1}), {})
    expect(counts).toEqual({applied: 20, failed: 20, skipped: 5})
    expect(result.outcomes[20].error).toMatchObject({code: 'AWS_ACCESS_DENIED'})
  })
})
