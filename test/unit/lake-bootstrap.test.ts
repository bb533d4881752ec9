import {applyBootstrapPlan} from '../../src/core/lake/apply'
import {checkAdminSafety, mergeSettings, planBootstrap, type BootstrapChange, type BootstrapPlan, type StepName} from '../../src/core/lake/bootstrap'
import type {LakeConfig} from '../../src/core/lake/config'
import {bucketPolicyStatements, keyPolicyStatements, registrationRolePolicy, serviceTrustPolicy} from '../../src/core/lake/documents'
import type {ObservedLake} from '../../src/core/lake/observed'
import {mergeStatements, parsePolicyDocument, policyDocument, statementKey} from '../../src/core/iam'
import {LakegovError} from '../../src/core/errors'

const ACCOUNT = '123456789012'
const TARGET = {account: ACCOUNT, region: 'us-east-1', partition: 'aws'}
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234`
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`
const CALLER = `arn:aws:iam::${ACCOUNT}:role/Deployer`

function lakeConfig(overrides: Partial<LakeConfig> = {}): LakeConfig {
  return {
    region: 'us-east-1',
    admins: [ADMIN],
    readOnlyAdmins: [],
    bucket: {name: 'logs', prefix: 'AWSLogs/', encryption: {type: 'aws:kms', kmsKeyArn: KEY}},
    registration: {role: 'reg'},
    database: 'cloudtrail',
    trail: {name: 'trail', multiRegion: true, logFileValidation: true, cloudWatchRole: 'cw'},
    sources: {},
    ...overrides,
  }
}

function emptyAccount(): ObservedLake {
  return {
    target: TARGET,
    caller: CALLER,
    bucket: {exists: false, lifecycleRules: []},
    key: {arn: KEY, policy: policyDocument([{Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 'kms:*', Resource: '*'}])},
    role: {name: 'reg', exists: false, inlinePolicies: {}, attachedPolicies: []},
    settings: {},
    parentRegistrations: [],
    database: {exists: false, tableDefaultPrincipals: [], iamAllowedGrants: []},
    trail: {exists: false},
  }
}

/** The account after a bootstrap of `config`: what the plan of an empty account asked for, in place. */
function convergedAccount(config = lakeConfig()): ObservedLake {
  const empty = emptyAccount()
  return {
    ...empty,
    bucket: {
      exists: true,
      publicAccessBlock: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
      encryption: {algorithm: 'aws:kms', kmsKeyId: KEY, bucketKeyEnabled: true},
      versioning: 'Enabled',
      policy: policyDocument(bucketPolicyStatements(config, TARGET)),
      lifecycleRules: [],
    },
    key: {arn: KEY, policy: policyDocument([...empty.key!.policy!.Statement, ...keyPolicyStatements(config, TARGET, `arn:aws:iam::${ACCOUNT}:role/reg`)])},
    role: {name: 'reg', exists: true, trustPolicy: serviceTrustPolicy('lakeformation.amazonaws.com', TARGET), inlinePolicies: {lakegov: registrationRolePolicy(config, TARGET, KEY)}, attachedPolicies: []},
    settings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: CALLER}, {DataLakePrincipalIdentifier: ADMIN}], ReadOnlyAdmins: [], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []},
    registration: {resourceArn: 'arn:aws:s3:::logs/AWSLogs', roleArn: `arn:aws:iam::${ACCOUNT}:role/reg`, useServiceLinkedRole: false, verificationStatus: 'VERIFIED'},
    database: {exists: true, tableDefaultPrincipals: [], iamAllowedGrants: []},
    trail: {exists: true, s3BucketName: 'logs', multiRegion: true, logFileValidation: true, kmsKeyId: KEY, isLogging: true, homeRegion: 'us-east-1'},
  }
}

function actions(plan: BootstrapPlan, step: StepName): string[] {
  return plan.steps.find((planned) => planned.step === step)!.changes.map((change) => change.action)
}

function change<A extends BootstrapChange['action']>(plan: BootstrapPlan, action: A): Extract<BootstrapChange, {action: A}> {
  const found = plan.steps.flatMap((step) => step.changes).find((candidate) => candidate.action === action)
  if (!found) throw new Error(`no ${action} in the plan`)
  return found as Extract<BootstrapChange, {action: A}>
}

describe('planBootstrap', () => {
  it('plans every step on an empty account, in order', () => {
    const plan = planBootstrap(lakeConfig(), emptyAccount())
    expect(plan.steps.map((step) => [step.step, step.status, step.changes.map((planned) => planned.action)])).toEqual([
      ['bucket', 'missing', ['CreateBucket', 'PutPublicAccessBlock', 'PutBucketEncryption', 'PutBucketVersioning', 'PutBucketPolicy']],
      ['role', 'missing', ['CreateRole', 'PutRolePolicy']],
      ['key', 'drifted', ['PutKeyPolicy']],
      ['settings', 'drifted', ['PutDataLakeSettings']],
      ['registration', 'missing', ['RegisterResource']],
      ['database', 'missing', ['CreateDatabase']],
      ['crawler', 'ok', []],
      ['trail', 'missing', ['CreateTrail', 'StartLogging']],
      ['alarms', 'ok', []],
    ])
    expect(plan.summary).toMatchObject({changes: 13, missing: 5, drifted: 2, ok: 2})
  })

  it('plans nothing on a converged account', () => {
    const plan = planBootstrap(lakeConfig(), convergedAccount())
    expect(plan.summary).toEqual({changes: 0, ok: 9, missing: 0, drifted: 0, blocked: 0})
  })

  it.each([
    ['Block Public Access removed', (lake: ObservedLake) => delete lake.bucket.publicAccessBlock, 'bucket', ['PutPublicAccessBlock']],
    ['one BPA setting off', (lake: ObservedLake) => (lake.bucket.publicAccessBlock!.RestrictPublicBuckets = false), 'bucket', ['PutPublicAccessBlock']],
    ['versioning suspended', (lake: ObservedLake) => (lake.bucket.versioning = 'Suspended'), 'bucket', ['PutBucketVersioning']],
    ['encryption with another key', (lake: ObservedLake) => (lake.bucket.encryption!.kmsKeyId = 'other'), 'bucket', ['PutBucketEncryption']],
    ['the trust policy changed', (lake: ObservedLake) => (lake.role!.trustPolicy = serviceTrustPolicy('ec2.amazonaws.com', TARGET)), 'role', ['UpdateAssumeRolePolicy']],
    ['the role policy widened', (lake: ObservedLake) => (lake.role!.inlinePolicies.lakegov.Statement[1].Resource = 'arn:aws:s3:::logs/*'), 'role', ['PutRolePolicy']],
    ['the trail stopped', (lake: ObservedLake) => (lake.trail!.isLogging = false), 'trail', ['StartLogging']],
    ['validation turned off', (lake: ObservedLake) => (lake.trail!.logFileValidation = false), 'trail', ['UpdateTrail']],
    ['the registration on another role', (lake: ObservedLake) => (lake.registration!.roleArn = `arn:aws:iam::${ACCOUNT}:role/old`), 'registration', ['UpdateResource']],
    ['new tables given to IAM', (lake: ObservedLake) => (lake.database.tableDefaultPrincipals = ['IAM_ALLOWED_PRINCIPALS']), 'database', ['UpdateDatabase']],
  ])('detects drift: %s', (_name, drift, stepName, expected) => {
    const lake = convergedAccount()
    drift(lake)
    const plan = planBootstrap(lakeConfig(), lake)
    expect(plan.steps.filter((step) => step.status !== 'ok').map((step) => step.step)).toEqual([stepName])
    expect(actions(plan, stepName as StepName)).toEqual(expected)
  })

  it('merges the bucket policy: keeps other statements, replaces its own by Sid, and accepts an equal statement under another Sid', () => {
    const lake = convergedAccount()
    const theirs = {Sid: 'Partner', Effect: 'Allow' as const, Principal: {AWS: 'arn:aws:iam::444455556666:root'}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'}
    const [deny, acl, write] = bucketPolicyStatements(lakeConfig(), TARGET)
    // The console's own CloudTrail statement: the same grant as LakegovCloudTrailAclCheck, lists written differently.
    const consoleAcl = {...acl, Sid: 'AWSCloudTrailAclCheck20150319', Action: ['s3:GetBucketAcl']}
    lake.bucket.policy = policyDocument([theirs, consoleAcl, {...write, Condition: {}}, deny])
    const policy = change(planBootstrap(lakeConfig(), lake), 'PutBucketPolicy').policy
    expect(policy.Statement).toEqual([theirs, consoleAcl, write, deny])
  })

  it('merges the settings: adds admins, empties the defaults, keeps every other field', () => {
    const current = {
      DataLakeAdmins: [{DataLakePrincipalIdentifier: CALLER}],
      ReadOnlyAdmins: [{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Old'}],
      CreateDatabaseDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}],
      CreateTableDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}],
      Parameters: {CROSS_ACCOUNT_VERSION: '4', SET_SOURCE_IDENTITY: 'true'},
      TrustedResourceOwners: ['444455556666'],
      AllowExternalDataFiltering: true,
      ExternalDataFilteringAllowList: [{DataLakePrincipalIdentifier: '444455556666'}],
    }
    const config = lakeConfig({admins: [ADMIN, `arn:aws:iam::${ACCOUNT}:role/Deployer`], readOnlyAdmins: ['arn:aws:iam::123456789012:role/Auditor']})
    expect(mergeSettings(current, config)).toEqual({
      ...current,
      DataLakeAdmins: [{DataLakePrincipalIdentifier: CALLER}, {DataLakePrincipalIdentifier: ADMIN}],
      ReadOnlyAdmins: [{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Old'}, {DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Auditor'}],
      CreateDatabaseDefaultPermissions: [],
      CreateTableDefaultPermissions: [],
    })
    expect(mergeSettings(current, config, {exactAdmins: true}).DataLakeAdmins).toEqual([{DataLakePrincipalIdentifier: ADMIN}, {DataLakePrincipalIdentifier: CALLER}])
    expect(mergeSettings(current, config, {exactAdmins: true}).ReadOnlyAdmins).toEqual([{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Auditor'}])
  })

  it('says which key statements are missing when it may not change the key', () => {
    const lake = emptyAccount()
    lake.key = {arn: KEY, cannotChange: 'it belongs to account 444455556666'}
    const key = planBootstrap(lakeConfig(), lake).steps.find((step) => step.step === 'key')!
    expect(key.status).toBe('blocked')
    expect(key.changes).toEqual([])
    expect(key.blocked!.reason).toContain('LakegovCloudTrailEncrypt, LakegovCloudTrailDescribeKey, LakegovRegistrationRoleDecrypt')
    expect(JSON.parse(key.blocked!.fix.split('\n').slice(1).join('\n'))[0]).toMatchObject({Action: 'kms:GenerateDataKey*', Principal: {Service: 'cloudtrail.amazonaws.com'}})
  })

  it('will not switch a service-linked registration to a role in place', () => {
    const lake = convergedAccount()
    lake.registration = {resourceArn: 'arn:aws:s3:::logs/AWSLogs', roleArn: 'arn:aws:iam::123456789012:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess', useServiceLinkedRole: true}
    const step = planBootstrap(lakeConfig(), lake).steps.find((planned) => planned.step === 'registration')!
    expect(step).toMatchObject({status: 'blocked', changes: []})
    expect(step.blocked!.fix).toContain('deregister-resource')
  })

  it('revokes IAM_ALLOWED_PRINCIPALS on the database and its tables through grant changes', () => {
    const lake = convergedAccount()
    lake.database.iamAllowedGrants = [
      {principal: 'IAM_ALLOWED_PRINCIPALS', resource: {type: 'database', database: 'cloudtrail'}, permissions: ['ALL'], grantable: []},
      {principal: 'IAM_ALLOWED_PRINCIPALS', resource: {type: 'table', database: 'cloudtrail', table: 'logs'}, permissions: ['ALL'], grantable: []},
    ]
    const revoke = change(planBootstrap(lakeConfig(), lake), 'RevokeIamAllowedPrincipals')
    expect(revoke.changes.map((grant) => [grant.action, grant.resource.type, grant.remove.permissions])).toEqual([
      ['revoke', 'database', ['ALL']],
      ['revoke', 'table', ['ALL']],
    ])
    expect(revoke.summary).toBe('revoke IAM_ALLOWED_PRINCIPALS on cloudtrail, cloudtrail.logs')
  })

  it('revokes a grant Lake Formation lists as both Table and TableWithColumns once', () => {
    const lake = convergedAccount()
    const table = {principal: 'IAM_ALLOWED_PRINCIPALS', resource: {type: 'table' as const, database: 'cloudtrail', table: 'logs'}, grantable: []}
    lake.database.iamAllowedGrants = [
      {...table, permissions: ['ALL']},
      {...table, permissions: ['SELECT']},
    ]
    const revoke = change(planBootstrap(lakeConfig(), lake), 'RevokeIamAllowedPrincipals')
    expect(revoke.changes.map((grant) => [grant.key, grant.remove.permissions])).toEqual([['IAM_ALLOWED_PRINCIPALS table:cloudtrail.logs', ['ALL']]])
  })

  it('keeps other lifecycle rules and notes extra role policies it leaves alone', () => {
    const lake = convergedAccount()
    const other = {ID: 'archive', Status: 'Enabled', Filter: {Prefix: 'other/'}, Transitions: [{Days: 30, StorageClass: 'GLACIER'}]}
    lake.bucket.lifecycleRules = [other]
    lake.role!.attachedPolicies = ['arn:aws:iam::aws:policy/AmazonS3FullAccess']
    const plan = planBootstrap(lakeConfig({bucket: {...lakeConfig().bucket, retentionDays: 90}}), lake)
    expect(change(plan, 'PutBucketLifecycleConfiguration').rules).toEqual([
      other,
      {ID: 'lakegov-retention', Status: 'Enabled', Filter: {Prefix: 'AWSLogs/'}, Expiration: {Days: 90}, NoncurrentVersionExpiration: {NoncurrentDays: 30}},
    ])
    expect(plan.steps.find((step) => step.step === 'role')!.notes[0]).toContain('AmazonS3FullAccess')
  })

  it('writes the trail under the key prefix before AWSLogs/', () => {
    const config = lakeConfig({bucket: {...lakeConfig().bucket, prefix: 'org/AWSLogs/'}})
    expect(change(planBootstrap(config, emptyAccount()), 'CreateTrail').trail).toMatchObject({s3BucketName: 'logs', s3KeyPrefix: 'org', kmsKeyId: KEY})
    expect(JSON.stringify(bucketPolicyStatements(config, TARGET))).toContain(`arn:aws:s3:::logs/org/AWSLogs/${ACCOUNT}/*`)
  })
})

describe('the documents bootstrap writes', () => {
  it('gives the registration role nothing outside the bucket and prefix, and no * resource', () => {
    const policy = registrationRolePolicy(lakeConfig(), TARGET, KEY)
    const resources = policy.Statement.flatMap((statement) => [statement.Resource ?? []].flat())
    expect(resources).toEqual(['arn:aws:s3:::logs', 'arn:aws:s3:::logs/AWSLogs/*', KEY])
    expect(policy.Statement[0]).toMatchObject({Action: 's3:ListBucket', Condition: {StringLike: {'s3:prefix': ['AWSLogs/', 'AWSLogs/*']}}})
  })

  it('conditions CloudTrail on the declared trail, or on any trail of the account without one', () => {
    expect(JSON.stringify(bucketPolicyStatements(lakeConfig(), TARGET))).toContain(`"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/trail"`)
    const withoutTrail = bucketPolicyStatements(lakeConfig({trail: undefined}), TARGET)
    expect(withoutTrail[1].Condition).toEqual({StringLike: {'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`}})
  })

  it('parses policy documents as IAM returns them (URL-encoded, one statement) and compares them by meaning', () => {
    const document = parsePolicyDocument(encodeURIComponent(JSON.stringify({Version: '2012-10-17', Statement: {Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'x'}})))
    expect(document.Statement).toHaveLength(1)
    expect(statementKey(document.Statement[0])).toBe(statementKey({Effect: 'Allow', Action: 's3:GetObject', Resource: ['x']}))
    expect(mergeStatements(document, [{Sid: 'Mine', Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'}]).added).toEqual([])
  })
})

describe('checkAdminSafety', () => {
  it('refuses to leave the lake without an admin', () => {
    expect(() => checkAdminSafety(lakeConfig({admins: []}), emptyAccount())).toThrow(/without an administrator/)
  })

  it('refuses when the caller is not an admin and none is declared', () => {
    const lake = emptyAccount()
    lake.settings = {DataLakeAdmins: [{DataLakePrincipalIdentifier: ADMIN}]}
    expect(() => checkAdminSafety(lakeConfig({admins: []}), lake)).toThrow(LakegovError)
    expect(() => checkAdminSafety(lakeConfig({admins: []}), {...lake, caller: ADMIN})).not.toThrow()
    expect(() => checkAdminSafety(lakeConfig(), lake)).not.toThrow()
  })

  it('refuses --exact-admins that would remove the caller, unless lake.yaml declares the caller', () => {
    const lake = {...emptyAccount(), caller: CALLER}
    lake.settings = {DataLakeAdmins: [{DataLakePrincipalIdentifier: CALLER}, {DataLakePrincipalIdentifier: ADMIN}]}
    expect(() => checkAdminSafety(lakeConfig({admins: [ADMIN]}), lake, {exactAdmins: true})).toThrow(/would remove the caller/)
    expect(() => checkAdminSafety(lakeConfig({admins: [ADMIN]}), lake)).not.toThrow()
    expect(() => checkAdminSafety(lakeConfig({admins: [ADMIN, CALLER]}), lake, {exactAdmins: true})).not.toThrow()
  })
})

describe('applyBootstrapPlan', () => {
  it('stops at the first failure, skips the rest, and exits 4 for an access problem', async () => {
    const plan = planBootstrap(lakeConfig(), emptyAccount())
    const applied: string[] = []
    const result = await applyBootstrapPlan(plan, async (planned) => {
      if (planned.action === 'PutKeyPolicy') throw new LakegovError('Access denied (during kms:PutKeyPolicy)', {exitCode: 4, code: 'AWS_ACCESS_DENIED', suggestions: ['Allow kms:PutKeyPolicy']})
      applied.push(planned.action)
    })
    expect(applied).toEqual(['CreateBucket', 'PutPublicAccessBlock', 'PutBucketEncryption', 'PutBucketVersioning', 'PutBucketPolicy', 'CreateRole', 'PutRolePolicy'])
    expect(result.outcomes.find((outcome) => outcome.status === 'failed')).toMatchObject({step: 'key', error: {code: 'AWS_ACCESS_DENIED', suggestions: ['Allow kms:PutKeyPolicy']}})
    expect(result.outcomes.filter((outcome) => outcome.status === 'skipped').map((outcome) => outcome.action)).toEqual(['PutDataLakeSettings', 'RegisterResource', 'CreateDatabase', 'CreateTrail', 'StartLogging'])
    expect(result).toMatchObject({ok: false, exitCode: 4})
  })

  it('exits 6 when a step is blocked, even with every change applied', async () => {
    const lake = convergedAccount()
    lake.key = {arn: KEY, cannotChange: 'kms:GetKeyPolicy is denied'}
    const result = await applyBootstrapPlan(planBootstrap(lakeConfig(), lake), async () => undefined)
    expect(result).toMatchObject({ok: false, exitCode: 6, blocked: ['key']})
  })
})

describe('the crawler step', () => {
  const config = lakeConfig({crawler: {name: 'ct', role: 'crawler-role', schedule: 'cron(0 2 * * ? *)'}})
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/crawler-role`

  function withCrawler(lake: ObservedLake, crawler: Partial<NonNullable<ObservedLake['crawler']>> = {}): ObservedLake {
    return {
      ...lake,
      crawler: {
        role: {name: 'crawler-role', exists: false, inlinePolicies: {}, attachedPolicies: []},
        grants: [],
        crawler: {exists: false, s3Targets: [], classifiers: [], useLakeFormationCredentials: false},
        ...crawler,
      },
    }
  }

  it('plans the role, the grants through the grants engine, the classifier and the crawler', () => {
    const plan = planBootstrap(config, withCrawler(convergedAccount()))
    expect(actions(plan, 'crawler')).toEqual(['CreateRole', 'PutRolePolicy', 'GrantCrawlerPermissions', 'CreateClassifier', 'CreateCrawler'])
    const grants = change(plan, 'GrantCrawlerPermissions').changes
    expect(grants.map((grant) => [grant.resource, grant.add.permissions])).toEqual([
      [{type: 'dataLocation', path: 'arn:aws:s3:::logs/AWSLogs'}, ['DATA_LOCATION_ACCESS']],
      [{type: 'database', database: 'cloudtrail'}, ['ALTER', 'CREATE_TABLE', 'DESCRIBE']],
    ])
    expect(change(plan, 'CreateClassifier')).toMatchObject({name: 'ct-records', jsonPath: '$.Records[*]'})
    expect(change(plan, 'CreateCrawler').crawler).toMatchObject({
      role: roleArn,
      databaseName: 'cloudtrail',
      s3Targets: [{path: 's3://logs/AWSLogs/', exclusions: ['**/CloudTrail-Digest/**', '**/CloudTrail-Insight/**', '**/ConfigWritabilityCheckFile']}],
      classifiers: ['ct-records'],
      useLakeFormationCredentials: true,
      schedule: 'cron(0 2 * * ? *)',
      schemaChangePolicy: {updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG'},
    })
  })

  it('gives the crawler role no * S3 resource, and GetDataAccess', () => {
    const role = change(planBootstrap(config, withCrawler(convergedAccount())), 'PutRolePolicy').role
    const s3 = role.policy.Statement.filter((statement) => [statement.Action].flat().some((action) => String(action).startsWith('s3:')))
    expect(s3.flatMap((statement) => [statement.Resource].flat())).toEqual(['arn:aws:s3:::logs', 'arn:aws:s3:::logs/AWSLogs/*'])
    expect(role.policy.Statement.find((statement) => statement.Action === 'lakeformation:GetDataAccess')).toBeDefined()
    expect(role.trustPolicy.Statement[0].Principal).toEqual({Service: 'glue.amazonaws.com'})
  })

  it('adds only the missing permissions and keeps the others, and updates a crawler that lost its Lake Formation credentials', () => {
    const lake = withCrawler(convergedAccount(), {
      grants: [
        {principal: roleArn, resource: {type: 'database', database: 'cloudtrail'}, permissions: ['CREATE_TABLE', 'DESCRIBE', 'DROP'], grantable: []},
        {principal: roleArn, resource: {type: 'dataLocation', path: 'arn:aws:s3:::logs/AWSLogs'}, permissions: ['DATA_LOCATION_ACCESS'], grantable: []},
      ],
      classifierJsonPath: '$.Records[*]',
      crawler: {
        exists: true,
        role: roleArn,
        databaseName: 'cloudtrail',
        s3Targets: [{path: 's3://logs/AWSLogs/', exclusions: ['**/ConfigWritabilityCheckFile', '**/CloudTrail-Digest/**', '**/CloudTrail-Insight/**']}],
        classifiers: ['ct-records'],
        useLakeFormationCredentials: false,
        schedule: 'cron(0 2 * * ? *)',
        schemaChangePolicy: {updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG'},
        configuration: JSON.stringify({Version: 1, Grouping: {TableGroupingPolicy: 'CombineCompatibleSchemas'}}),
      },
    })
    lake.crawler!.role = {name: 'crawler-role', exists: true, trustPolicy: serviceTrustPolicy('glue.amazonaws.com', TARGET), inlinePolicies: {}, attachedPolicies: []}
    const plan = planBootstrap(config, lake)
    expect(actions(plan, 'crawler')).toEqual(['PutRolePolicy', 'GrantCrawlerPermissions', 'UpdateCrawler'])
    expect(change(plan, 'GrantCrawlerPermissions').changes.map((grant) => [grant.add.permissions, grant.remove.permissions])).toEqual([[['ALTER'], []]])
    expect(change(plan, 'UpdateCrawler').summary).toBe('crawler ct: update Lake Formation credentials')
  })
})

describe('trail.dataEvents.logReads: the S3 read data events selector', () => {
  const withLogReads = (logReads: boolean) => lakeConfig({trail: {...lakeConfig().trail!, dataEvents: {logReads}}})
  const LOG_READS = {
    Name: 'lakegov-log-reads',
    FieldSelectors: [
      {Field: 'eventCategory', Equals: ['Data']},
      {Field: 'resources.type', Equals: ['AWS::S3::Object']},
      {Field: 'readOnly', Equals: ['true']},
      {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::logs/AWSLogs/']},
    ],
  }
  const USER_SELECTOR = {Name: 'invoices', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::invoices/']}]}
  const withSelectors = (config: LakeConfig, eventSelectors: NonNullable<ObservedLake['trail']>['eventSelectors']): ObservedLake => {
    const account = convergedAccount(config)
    return {...account, trail: {...account.trail!, eventSelectors}}
  }

  it('adds the selector to a trail with the default selectors, keeping its management events as an advanced selector, and says what it costs', () => {
    const config = withLogReads(true)
    const plan = planBootstrap(config, withSelectors(config, {basic: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}], advanced: []}))
    expect(actions(plan, 'trail')).toEqual(['PutEventSelectors'])
    const put = change(plan, 'PutEventSelectors')
    expect(put.trail).toBe('trail')
    expect(put.advancedEventSelectors).toEqual([{Name: 'Management events selector', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}, LOG_READS])
    expect(put.summary).toContain('$0.10 per 100,000 events')
    expect(plan.steps.find((step) => step.step === 'trail')!.status).toBe('drifted')
  })

  it('merges with the advanced selectors the trail has: unmanaged ones are kept, in order', () => {
    const config = withLogReads(true)
    const plan = planBootstrap(config, withSelectors(config, {basic: [], advanced: [USER_SELECTOR]}))
    expect(change(plan, 'PutEventSelectors').advancedEventSelectors).toEqual([USER_SELECTOR, LOG_READS])
  })

  it('converts basic data resources and read-only management events, so that nothing the trail logged is lost', () => {
    const config = withLogReads(true)
    const basic = [{ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::invoices/2026/']}], ExcludeManagementEventSources: ['kms.amazonaws.com']}]
    const selectors = change(planBootstrap(config, withSelectors(config, {basic, advanced: []})), 'PutEventSelectors').advancedEventSelectors
    expect(selectors).toEqual([
      {Name: 'Management events selector', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}, {Field: 'readOnly', Equals: ['true']}, {Field: 'eventSource', NotEquals: ['kms.amazonaws.com']}]},
      {FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'readOnly', Equals: ['true']}, {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::invoices/2026/']}]},
      LOG_READS,
    ])
  })

  it('plans nothing once the trail has the selector, whatever the order of its conditions', () => {
    const config = withLogReads(true)
    const reordered = {...LOG_READS, FieldSelectors: [...LOG_READS.FieldSelectors].reverse()}
    const plan = planBootstrap(config, withSelectors(config, {basic: [], advanced: [USER_SELECTOR, reordered]}))
    expect(plan.summary.changes).toBe(0)
  })

  it('shows drift when the selector was changed, and resets it in place', () => {
    const config = withLogReads(true)
    const widened = {...LOG_READS, FieldSelectors: LOG_READS.FieldSelectors.filter((field) => field.Field !== 'readOnly')}
    const plan = planBootstrap(config, withSelectors(config, {basic: [], advanced: [widened, USER_SELECTOR]}))
    const trail = plan.steps.find((step) => step.step === 'trail')!
    expect(trail.status).toBe('drifted')
    expect(trail.changes[0]).toMatchObject({action: 'PutEventSelectors', advancedEventSelectors: [LOG_READS, USER_SELECTOR]})
    expect(trail.changes[0].summary).toContain('reset')
  })

  it('shows drift when the selector was removed', () => {
    const config = withLogReads(true)
    const plan = planBootstrap(config, withSelectors(config, {basic: [], advanced: [USER_SELECTOR]}))
    expect(plan.steps.find((step) => step.step === 'trail')!.status).toBe('drifted')
  })

  it('removes only its own selector with logReads: false, and leaves selectors alone when dataEvents is not set', () => {
    const off = withLogReads(false)
    expect(change(planBootstrap(off, withSelectors(off, {basic: [], advanced: [USER_SELECTOR, LOG_READS]})), 'PutEventSelectors').advancedEventSelectors).toEqual([USER_SELECTOR])
    expect(planBootstrap(off, withSelectors(off, {basic: [], advanced: [USER_SELECTOR]})).summary.changes).toBe(0)
    const unset = lakeConfig()
    expect(planBootstrap(unset, withSelectors(unset, {basic: [], advanced: [USER_SELECTOR, LOG_READS]})).summary.changes).toBe(0)
  })

  it('selects the whole bucket when the logs have no prefix, and comes after CreateTrail on a new trail', () => {
    const config = lakeConfig({bucket: {name: 'logs', prefix: '', encryption: {type: 'AES256'}}, trail: {...lakeConfig().trail!, dataEvents: {logReads: true}}})
    const trail = planBootstrap(config, emptyAccount()).steps.find((step) => step.step === 'trail')!
    expect(trail.changes.map((planned) => planned.action)).toEqual(['CreateTrail', 'StartLogging', 'PutEventSelectors'])
    const put = trail.changes[2] as Extract<BootstrapChange, {action: 'PutEventSelectors'}>
    expect(put.advancedEventSelectors.at(-1)!.FieldSelectors.find((field) => field.Field === 'resources.ARN')).toEqual({Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::logs/']})
  })
})

describe('registration.sourceIdentity', () => {
  const config = lakeConfig({registration: {role: 'reg', sourceIdentity: true}})

  it('sets SET_SOURCE_IDENTITY, keeping the other parameters, and lets Lake Formation set the source identity on the role', () => {
    const account = convergedAccount(config)
    const observed = {...account, settings: {...account.settings, Parameters: {CROSS_ACCOUNT_VERSION: '4'}}}
    const plan = planBootstrap(config, observed)
    const settings = change(plan, 'PutDataLakeSettings')
    expect(settings.settings.Parameters).toEqual({CROSS_ACCOUNT_VERSION: '4', SET_SOURCE_IDENTITY: 'TRUE'})
    expect(settings.summary).toContain('SET_SOURCE_IDENTITY unset -> TRUE')
    const trust = change(plan, 'UpdateAssumeRolePolicy').role.trustPolicy
    expect(trust.Statement[0]).toMatchObject({Principal: {Service: 'lakeformation.amazonaws.com'}, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity']})
  })

  it('plans nothing once both are in place, and shows drift when either is undone', () => {
    const account = convergedAccount(config)
    const done: ObservedLake = {
      ...account,
      settings: {...account.settings, Parameters: {SET_SOURCE_IDENTITY: 'TRUE'}},
      role: {...account.role!, trustPolicy: serviceTrustPolicy('lakeformation.amazonaws.com', TARGET, {setSourceIdentity: true})},
    }
    expect(planBootstrap(config, done).summary.changes).toBe(0)
    expect(actions(planBootstrap(config, {...done, settings: {...done.settings, Parameters: {SET_SOURCE_IDENTITY: 'FALSE'}}}), 'settings')).toEqual(['PutDataLakeSettings'])
    expect(actions(planBootstrap(config, {...done, role: account.role}), 'role')).toEqual(['UpdateAssumeRolePolicy'])
  })

  it('leaves the parameter alone when lake.yaml does not set sourceIdentity', () => {
    const account = convergedAccount()
    expect(planBootstrap(lakeConfig(), {...account, settings: {...account.settings, Parameters: {SET_SOURCE_IDENTITY: 'TRUE'}}}).summary.changes).toBe(0)
  })
})
