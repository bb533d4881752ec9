import {iamArnOf, isSamePrincipal, parseIamIdentity} from '../../src/core/model/principal'

describe('parseIamIdentity', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/LakeAdmin', {account: '111122223333', kind: 'role', name: 'LakeAdmin'}],
    ['arn:aws:iam::111122223333:role/service/team/LakeAdmin', {account: '111122223333', kind: 'role', name: 'LakeAdmin'}],
    ['arn:aws:sts::111122223333:assumed-role/LakeAdmin/alice@example.com', {account: '111122223333', kind: 'role', name: 'LakeAdmin', session: 'alice@example.com'}],
    ['arn:aws:iam::111122223333:user/ops/alice', {account: '111122223333', kind: 'user', name: 'alice'}],
    ['arn:aws:sts::123456789012:user/moto', {account: '123456789012', kind: 'user', name: 'moto'}],
    ['arn:aws:iam::111122223333:root', {account: '111122223333', kind: 'root', name: ''}],
    ['arn:aws-us-gov:iam::111122223333:role/R', {account: '111122223333', kind: 'role', name: 'R'}],
  ])('parses %s', (arn, expected) => {
    expect(parseIamIdentity(arn)).toEqual(expected)
  })

  it.each(['111122223333', 'IAM_ALLOWED_PRINCIPALS', 'arn:aws:iam::111122223333:group/Admins', 'arn:aws:s3:::bucket', 'arn:aws:iam::1234:role/Short'])(
    'rejects %s',
    (arn) => {
      expect(parseIamIdentity(arn)).toBeUndefined()
    },
  )
})

describe('isSamePrincipal', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/LakeAdmin', 'arn:aws:sts::111122223333:assumed-role/LakeAdmin/session', true],
    ['arn:aws:iam::111122223333:role/path/LakeAdmin', 'arn:aws:sts::111122223333:assumed-role/LakeAdmin/s', true],
    ['arn:aws:iam::111122223333:role/LakeAdmin', 'arn:aws:sts::444455556666:assumed-role/LakeAdmin/s', false],
    ['arn:aws:iam::111122223333:role/LakeAdmin', 'arn:aws:iam::111122223333:user/LakeAdmin', false],
    ['arn:aws:iam::123456789012:user/moto', 'arn:aws:sts::123456789012:user/moto', true],
    ['111122223333', '111122223333', true],
    ['111122223333', '444455556666', false],
  ])('%s vs %s -> %s', (a, b, same) => {
    expect(isSamePrincipal(a, b)).toBe(same)
  })
})

describe('iamArnOf', () => {
  it.each([
    ['arn:aws:sts::111122223333:assumed-role/LakeAdmin/ci', 'arn:aws:iam::111122223333:role/LakeAdmin'],
    ['arn:aws:sts::123456789012:user/moto', 'arn:aws:iam::123456789012:user/moto'],
    ['arn:aws:iam::111122223333:user/ops/alice', 'arn:aws:iam::111122223333:user/alice'],
    ['arn:aws:iam::111122223333:root', undefined],
  ])('%s -> %s', (arn, expected) => {
    expect(iamArnOf(arn)).toBe(expected)
  })
})
