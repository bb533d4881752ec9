/**
 * The audit's monotonicity: a statement that only allows can never remove a reader, and one that
 * only denies can never add one. Checked on random accounts (users, roles with and without
 * boundaries, sessions, another account's role, a bucket policy naming any of them, the account or
 * "*", with and without conditions the evaluator can or cannot decide).
 */
import fc from 'fast-check'

import {findS3Readers, type AuditState, type IamPrincipalState} from '../../src/core/audit/access'
import {namedPolicy, type NamedPolicy} from '../../src/core/iam'
import {parseIamIdentity} from '../../src/core/model/principal'

const ACCOUNT = '111122223333'
const USER = 'arn:aws:iam::111122223333:user/alice'
const ROLE = 'arn:aws:iam::111122223333:role/Analyst'
const BOUNDED_ROLE = 'arn:aws:iam::111122223333:role/Bounded'
const SESSION = 'arn:aws:sts::111122223333:assumed-role/Analyst/alice'
const BOUNDED_SESSION = 'arn:aws:sts::111122223333:assumed-role/Bounded/bob'
const PARTNER = 'arn:aws:iam::444455556666:role/Partner'
const NAMES = ['*', ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, USER, ROLE, BOUNDED_ROLE, SESSION, BOUNDED_SESSION, PARTNER, '444455556666']

type Json = Record<string, unknown>

const action = fc.constantFrom('s3:GetObject', 's3:Get*', 's3:*', '*', 's3:PutObject')
const resource = fc.constantFrom('arn:aws:s3:::logs/*', 'arn:aws:s3:::logs/AWSLogs/*', 'arn:aws:s3:::logs/AWSLogs/1111/*', 'arn:aws:s3:::logs/other/*', '*', 'arn:aws:s3:::logs/${aws:username}/*')
const condition = fc.constantFrom<Json | undefined>(
  undefined,
  {StringEquals: {'aws:username': 'alice'}},
  {StringNotEqualsIfExists: {'aws:SourceVpce': 'vpce-1'}},
  {ArnLike: {'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*'}},
  {ArnNotLike: {'aws:PrincipalArn': ROLE}},
  {Null: {'aws:username': 'true'}},
  {Bool: {'aws:SecureTransport': 'false'}},
  {StringEquals: {'aws:PrincipalTag/team': '${aws:username}'}},
)

function statement(effect: 'Allow' | 'Deny', withPrincipal: boolean): fc.Arbitrary<Json> {
  const who = withPrincipal
    ? fc.oneof(
        fc.subarray(NAMES, {minLength: 1, maxLength: 3}).map((names) => ({Principal: names.includes('*') ? '*' : {AWS: names}})),
        fc.subarray(NAMES.filter((name) => name !== '*'), {minLength: 1, maxLength: 3}).map((names) => ({NotPrincipal: {AWS: names}})),
      )
    : fc.constant({})
  return fc.record({action, resource, condition, who}).map(({action, resource, condition, who}) => ({Effect: effect, Action: action, Resource: resource, ...(condition ? {Condition: condition} : {}), ...who}))
}

const anyStatement = (withPrincipal: boolean) => fc.oneof(statement('Allow', withPrincipal), statement('Deny', withPrincipal))
const policyOf = (name: string, statements: Json[]): NamedPolicy => namedPolicy(name, {Version: '2012-10-17', Statement: statements})

interface World {
  identities: Json[][]
  boundaries: Json[][]
  bucket?: Json[]
}

const world: fc.Arbitrary<World> = fc.record({
  identities: fc.tuple(...Array.from({length: 4}, () => fc.array(anyStatement(false), {maxLength: 3}))),
  boundaries: fc.tuple(fc.array(anyStatement(false), {maxLength: 2}), fc.array(anyStatement(false), {maxLength: 2})),
  bucket: fc.option(fc.array(anyStatement(true), {maxLength: 4}), {nil: undefined}),
})

function stateOf(w: World): AuditState {
  const principals: IamPrincipalState[] = [
    {arn: USER, policies: [policyOf('user', w.identities[0])], boundary: policyOf('user-boundary', w.boundaries[0])},
    {arn: ROLE, policies: [policyOf('role', w.identities[1])]},
    {arn: BOUNDED_ROLE, policies: [policyOf('bounded', w.identities[2])], boundary: policyOf('bounded-boundary', w.boundaries[1])},
    {arn: 'arn:aws:iam::111122223333:user/carol', policies: [policyOf('carol', w.identities[3])]},
  ]
  return {
    account: ACCOUNT,
    settings: {admins: [], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
    databases: ['cloudtrail'],
    tables: [],
    grants: [],
    tagAssignments: [],
    filters: [],
    logs: {bucket: 'logs', prefix: 'AWSLogs/', ...(w.bucket ? {bucketPolicy: policyOf('bucket-policy', w.bucket)} : {})},
    iamPrincipals: principals,
    expectedReaders: [],
  }
}

function readers(w: World): Set<string> {
  return new Set(findS3Readers(stateOf(w)).map((reader) => reader.principal))
}

/** Where a new statement goes: a principal's identity policy, an existing boundary, or the bucket policy. */
type Target = {kind: 'identity'; index: number} | {kind: 'boundary'; index: number} | {kind: 'bucket'}
const target: fc.Arbitrary<Target> = fc.oneof(
  fc.integer({min: 0, max: 3}).map((index): Target => ({kind: 'identity', index})),
  fc.integer({min: 0, max: 1}).map((index): Target => ({kind: 'boundary', index})),
  fc.constant<Target>({kind: 'bucket'}),
)

function withStatement(w: World, where: Target, added: Json): World {
  if (where.kind === 'bucket') return {...w, bucket: [...(w.bucket ?? []), added]}
  const lists = where.kind === 'identity' ? w.identities : w.boundaries
  const next = lists.map((list, index) => (index === where.index ? [...list, added] : list))
  return where.kind === 'identity' ? {...w, identities: next} : {...w, boundaries: next}
}

function addedStatement(effect: 'Allow' | 'Deny'): fc.Arbitrary<[Target, Json]> {
  return target.chain((where) => statement(effect, where.kind === 'bucket').map((added): [Target, Json] => [where, added]))
}

/**
 * Whether a reader was already shown before, perhaps under a wider name: itself, the role of a
 * session, its account (another account's principals are shown as their account when the bucket
 * policy names it), or "*" (anyone).
 */
function shownBefore(before: Set<string>, principal: string): boolean {
  if (before.has(principal) || before.has('*')) return true
  const identity = parseIamIdentity(principal)
  if (!identity) return false
  if (before.has(identity.account) || before.has(`arn:aws:iam::${identity.account}:root`)) return true
  return identity.session !== undefined && [ROLE, BOUNDED_ROLE].some((role) => parseIamIdentity(role)?.name === identity.name && before.has(role))
}

describe('monotonicity of the S3 readers', () => {
  it('adding a statement that only allows never removes a reader', () => {
    fc.assert(
      fc.property(world, addedStatement('Allow'), (w, [where, added]) => {
        const before = readers(w)
        const after = readers(withStatement(w, where, added))
        for (const principal of before) expect(after).toContain(principal)
      }),
      {numRuns: 400},
    )
  })

  it('adding a statement that only denies never adds a reader (one shown before under its role, account or "*" is not new)', () => {
    fc.assert(
      fc.property(world, addedStatement('Deny'), (w, [where, added]) => {
        const before = readers(w)
        const after = readers(withStatement(w, where, added))
        for (const principal of after) expect(shownBefore(before, principal) ? principal : `${principal} (new)`).toBe(principal)
      }),
      {numRuns: 400},
    )
  })
})
