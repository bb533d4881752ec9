import {Errors} from '@oclif/core'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {listProfiles, checkProfileExists} from '../../src/aws/profiles'
import {canonicalOptionArgv, toUsageError} from '../../src/cli-usage'
import {parseTimeout} from '../../src/core/crawl/crawl'
import {LakegovError} from '../../src/core/errors'
import {PolicyInvalidError} from '../../src/core/policy/errors'
import {incompleteViewWarning} from '../../src/core/visibility'
import {closestCommand} from '../../src/hooks/command-not-found'
import {editDistance} from '../../src/core/policy/suggest'
import {checkOutputFile, writeOutputFile} from '../../src/io/output-file'

const FLAGS = {'fail-on': {options: ['low', 'medium', 'high', 'critical']}, format: {options: ['text', 'sarif'], char: 'f'}, database: {}}

describe('canonicalOptionArgv', () => {
  it.each([
    [['--fail-on', 'High'], ['--fail-on', 'high']],
    [['--fail-on=CRITICAL'], ['--fail-on=critical']],
    [['-f', 'SARIF'], ['-f', 'sarif']],
    [['--fail-on', 'severe'], ['--fail-on', 'severe']],
    [['--database', 'High'], ['--database', 'High']],
    [['--', '--fail-on', 'High'], ['--', '--fail-on', 'High']],
    [['--fail-on'], ['--fail-on']],
  ])('%j -> %j', (argv, expected) => {
    expect(canonicalOptionArgv(argv, FLAGS)).toEqual(expected)
  })
})

describe('toUsageError', () => {
  it('gives every parser error exit 64', () => {
    const parse = toUsageError(new Errors.CLIError('Expected --format=html to be one of: text, markdown')) as Errors.CLIError
    expect(parse.oclif.exit).toBe(64)
    const custom = toUsageError(Object.assign(new Error('Parsing --timeout'), {oclif: {exit: 1}})) as Error & {oclif: {exit: number}}
    expect(custom.oclif.exit).toBe(64)
    const plain = toUsageError(new Error('No file found at x'))
    expect(plain).toBeInstanceOf(LakegovError)
    expect((plain as LakegovError).exitCode).toBe(64)
  })
})

describe('closestCommand', () => {
  const commands = ['grants', 'grants plan', 'grants apply', 'audit', 'audit access', 'status', 'doctor']
  it.each([
    ['grants plna', 'grants plan'],
    ['grnts', 'grants'],
    ['stats', 'status'],
    ['audit acess', 'audit access'],
    ['xyzzy', undefined],
  ])('%s -> %s', (typed, expected) => {
    expect(closestCommand(typed, commands)).toBe(expected)
  })

  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })
})

describe('parseTimeout', () => {
  it.each([
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseTimeout(text)).toEqual({ms}))

  it.each(['0s', '0', '25h', 'soon', ''])('%s names the accepted range', (text) => {
    const result = parseTimeout(text)
    expect('error' in result && result.error).toContain('from 1s to 24h')
  })
})

describe('PolicyInvalidError', () => {
  const issue = {file: 'policies/lake.yaml', line: 1, column: 1, field: 'region', message: 'bad'}
  it('gives lake.yaml its own hint, and grants files theirs', () => {
    expect(new PolicyInvalidError([issue], 'lake').suggestions.join(' ')).not.toContain('grants validate')
    expect(new PolicyInvalidError([issue], 'lake').suggestions.join(' ')).toContain('lake.schema.json')
    expect(new PolicyInvalidError([issue]).suggestions.join(' ')).toContain('lakegov grants validate')
  })
})

describe('incompleteViewWarning', () => {
  const settings = {admins: ['arn:aws:iam::111122223333:role/LakeAdmin'], readOnlyAdmins: ['arn:aws:iam::111122223333:role/Auditor']}
  it.each([
    ['arn:aws:sts::111122223333:assumed-role/LakeAdmin/ci', false],
    ['arn:aws:sts::111122223333:assumed-role/Auditor/me', false],
    ['arn:aws:sts::111122223333:assumed-role/Analyst/me', true],
  ])('%s -> incomplete: %s', (caller, incomplete) => {
    const warning = incompleteViewWarning(caller, settings, 'plan')
    expect(warning !== undefined).toBe(incomplete)
    if (warning) expect(warning).toContain('arn:aws:iam::111122223333:role/Analyst')
  })
})

describe('output files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-out-'))
  const existing = path.join(dir, 'existing.yaml')
  writeFileSync(existing, 'old')

  it.each([
    [path.join(dir, 'nodir', 'x.yaml'), true, 'OUTPUT_DIR_MISSING'],
    [path.join(existing, 'x.yaml'), true, 'OUTPUT_DIR_MISSING'],
    [dir, true, 'OUTPUT_IS_DIRECTORY'],
    [existing, false, 'OUTPUT_EXISTS'],
  ])('%s (overwrite %s) is refused with %s, exit 64', async (file, overwrite, code) => {
    const error = await checkOutputFile(file, {flag: '--out', overwrite}).catch((caught: LakegovError) => caught)
    expect(error).toMatchObject({code, exitCode: 64})
  })

  it('writes a new file, and replaces an existing one only when allowed', async () => {
    await expect(checkOutputFile(path.join(dir, 'new.yaml'), {flag: '--out', overwrite: false})).resolves.toBeUndefined()
    await expect(writeOutputFile(existing, 'new', {flag: '--out', overwrite: false, existsHint: 'Pass --force.'})).rejects.toMatchObject({code: 'OUTPUT_EXISTS', suggestions: ['Pass --force.']})
    expect(readFileSync(existing, 'utf8')).toBe('old')
    await writeOutputFile(existing, 'new', {flag: '--out', overwrite: true})
    expect(readFileSync(existing, 'utf8')).toBe('new')
  })
})

describe('profiles', () => {
  const saved = {config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE}
  afterEach(() => {
    process.env.AWS_CONFIG_FILE = saved.config
    process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials
    if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE
    if (saved.credentials === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE
  })

  it('lists the profiles of both files, without sso-session and services sections, and names them when one is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-aws-'))
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials')
    writeFileSync(process.env.AWS_CONFIG_FILE, '[default]\nregion = us-east-1\n[profile lake-admin]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1\n')
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '[ci]\naws_access_key_id = a\naws_secret_access_key = b\n')
    expect(await listProfiles()).toEqual(['ci', 'default', 'lake-admin'])
    await expect(checkProfileExists('lake-admin', '--profile')).resolves.toBeUndefined()
    await expect(checkProfileExists('nosuch', '--profile')).rejects.toMatchObject({exitCode: 64, suggestions: expect.arrayContaining(['Profiles that exist: ci, default, lake-admin.'])})
    await expect(checkProfileExists('nosuch', 'AWS_PROFILE')).rejects.toMatchObject({exitCode: 4})
  })
})
