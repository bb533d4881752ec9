import {Config} from '@oclif/core'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BIN, parseJson, runCli as runRaw, sandboxEnv, type CliResult} from '../support/cli'
import {CLOUDTRAIL_COLUMNS, createGlueCatalog} from '../support/catalog-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'
import {spawn} from 'node:child_process'

const ROOT = path.resolve(__dirname, '..', '..')

// Each test spawns the CLI several times; under a loaded machine a cold start takes seconds.
jest.setTimeout(180_000)

/** Every command and every enumerated flag, read from the built CLI's own oclif configuration. */
interface CommandSpec {
  id: string
  words: string[]
  options: Array<{flag: string; values: string[]}>
  hasPolicies: boolean
}

let commands: CommandSpec[] = []

beforeAll(async () => {
  const config = await Config.load(ROOT)
  commands = config.commands
    .filter((command) => !command.hidden && command.pluginName === 'lakegov')
    .map((command) => ({
      id: command.id,
      words: command.id.split(':'),
      options: Object.entries(command.flags).flatMap(([flag, spec]) => ('options' in spec && spec.options ? [{flag, values: [...spec.options]}] : [])),
      hasPolicies: 'policies' in command.flags,
    }))
})

/** Runs the CLI with stderr unwrapped: oclif wraps messages at 80 columns behind ' ›   ' markers. */
async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  const result = await runRaw(args, env, cwd)
  return {...result, stderr: result.stderr.replace(/^ *›? +/gm, '').replace(/\s+/g, ' ')}
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'lakegov-usage-'))
}

describe('lakegov usage errors (e2e)', () => {
  beforeEach(resetSandbox)

  it('finds every command (the list below is what the README documents)', () => {
    expect(commands.map((command) => command.id).sort()).toEqual(
      [
        'activity:anomalies',
        'activity:clear-cache',
        'activity:events',
        'activity:reads',
        'activity:summary',
        'alarms:test',
        'audit:access',
        'audit:findings',
        'audit:usage',
        'bootstrap',
        'crawl',
        'doctor',
        'grants:apply',
        'grants:export',
        'grants:plan',
        'grants:validate',
        'report',
        'status',
        'table',
      ].sort(),
    )
    expect(commands.flatMap((command) => command.options.map((option) => `${command.id} --${option.flag}`)).sort()).toEqual(
      [
        'activity:anomalies --engine',
        'activity:anomalies --fail-on',
        'activity:anomalies --format',
        'activity:reads --engine',
        'activity:reads --format',
        'activity:reads --read-engine',
        'activity:events --engine',
        'activity:events --format',
        'activity:events --read-only',
        'activity:summary --by',
        'activity:summary --engine',
        'activity:summary --format',
        'activity:summary --read-only',
        'alarms:test --engine',
        'audit:access --format',
        'audit:findings --fail-on',
        'audit:findings --format',
        'audit:usage --engine',
        'audit:usage --format',
        'grants:plan --format',
        'report --engine',
        'report --format',
      ].sort(),
    )
  })

  it('every command prints its help with --help and exits 0', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const results = await Promise.all(commands.map(async (command) => ({command, result: await runCli([...command.words, '--help'], env)})))
    for (const {command, result} of results) {
      expect({command: command.id, code: result.code}).toEqual({command: command.id, code: 0})
      expect(result.stdout).toContain('USAGE')
      expect(result.stdout).toContain(`$ lakegov ${command.words.join(' ')}`)
      expect(result.stdout).toContain('EXIT CODES')
    }
    expect((await sandboxStats()).total).toBe(0)
  }, 240_000)

  it('every enumerated flag with a bad value exits 64 naming the valid values, before any AWS call', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const cases = commands.flatMap((command) => command.options.map((option) => ({command, option})))
    const results = await Promise.all(cases.map(async (entry) => ({...entry, result: await runCli([...entry.command.words, `--${entry.option.flag}`, 'nosuch'], env)})))
    for (const {command, option, result} of results) {
      expect({command: command.id, flag: option.flag, code: result.code}).toEqual({command: command.id, flag: option.flag, code: 64})
      expect(result.stderr).toContain(`--${option.flag}=nosuch to be one of: ${option.values.join(', ')}`)
    }
    expect((await sandboxStats()).total).toBe(0)
  }, 240_000)

  it('accepts enumerated values in any case (--fail-on High)', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const empty = tempDir()
    // The activity commands read lake.yaml only when it exists, and would then query AWS: they are left out here.
    const cases = commands
      .filter((spec) => spec.hasPolicies && !spec.id.startsWith('activity:'))
      .flatMap((command) => command.options.map((option) => ({command, option})))
    const results = await Promise.all(
      cases.map(async ({command, option}) => {
        const value = option.values[option.values.length - 1]
        const typed = value[0].toUpperCase() + value.slice(1)
        // An empty policy directory: parsing passes, then the missing file exits 3.
        return {command, option, result: await runCli([...command.words, `--${option.flag}`, typed, '--policies', empty], env)}
      }),
    )
    expect(results).toHaveLength(9)
    for (const {command, option, result} of results) {
      expect({command: command.id, flag: option.flag, code: result.code}).toEqual({command: command.id, flag: option.flag, code: 3})
    }
  }, 240_000)

  it('an unknown command exits 64 and suggests the closest one', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const typo = await runCli(['grants', 'plna'], env)
    expect(typo.code).toBe(64)
    expect(typo.stderr).toContain('Did you mean lakegov grants plan?')
    const topic = await runCli(['audti'], env)
    expect(topic.code).toBe(64)
    expect(topic.stderr).toContain('Did you mean lakegov audit?')
    const nothing = await runCli(['xyzzy'], env)
    expect(nothing.code).toBe(64)
    expect(nothing.stderr).toContain('xyzzy is not a lakegov command.')
    expect(nothing.stderr).not.toContain('Did you mean')
  })

  it('the grants and audit topics have their own summaries', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    for (const topic of ['grants', 'audit']) {
      const result = await runCli([topic, '--help'], env)
      expect(result.code).toBe(0)
      expect(result.stdout.split('\n')[0]).toBe(pjson.oclif.topics[topic].description)
    }
  })

  it('a missing saved plan is a usage error that says how to make one, not a bug', async () => {
    const result = await runCli(['grants', 'apply', 'nosuch.json', '--auto-approve'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('No saved plan at nosuch.json.')
    expect(result.stderr).toContain('lakegov grants plan --out nosuch.json')
    expect(result.stderr).not.toContain('bug')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('a saved plan that is not JSON is a usage error', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'plan.json'), 'not json')
    const result = await runCli(['grants', 'apply', path.join(dir, 'plan.json'), '--auto-approve'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('is not JSON, so not a saved plan')
  })

  it('--out in a directory that does not exist exits 64 before any AWS call (grants plan and grants export)', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const plan = await runCli(['grants', 'plan', '--out', 'nodir/plan.json'], env)
    expect(plan.code).toBe(64)
    expect(plan.stderr).toContain('--out nodir/plan.json: the directory nodir does not exist.')
    const exported = await runCli(['grants', 'export', '--out', 'nodir/x.yaml'], env)
    expect(exported.code).toBe(64)
    expect(exported.stderr).toContain('--out nodir/x.yaml: the directory nodir does not exist.')
    expect(exported.stderr).not.toContain('bug')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('--out naming a directory, or a path under a file, exits 64', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'file'), '')
    const env = sandboxEnv(sandboxEndpoint())
    const isDir = await runCli(['grants', 'plan', '--out', dir], env)
    expect(isDir.code).toBe(64)
    expect(isDir.stderr).toContain('is a directory')
    const underFile = await runCli(['grants', 'export', '--out', path.join(dir, 'file', 'x.yaml')], env)
    expect(underFile.code).toBe(64)
  })

  it('grants export refuses to overwrite --out unless --force, and --force needs --out', async () => {
    const dir = tempDir()
    const out = path.join(dir, 'existing.yaml')
    writeFileSync(out, 'keep me\n')
    const env = sandboxEnv(sandboxEndpoint())
    const refused = await runCli(['grants', 'export', '--database', 'cloudtrail', '--out', out], env)
    expect(refused.code).toBe(64)
    expect(refused.stderr).toContain('already exists')
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(out, 'utf8')).toBe('keep me\n')
    expect((await sandboxStats()).total).toBe(0)

    const forced = await runCli(['grants', 'export', '--database', 'cloudtrail', '--out', out, '--force'], env)
    expect(forced.code).toBe(0)
    const written = readFileSync(out, 'utf8')
    expect(written).toContain('grants:')
    // The editor's schema line resolves from where the file was written.
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(written)?.[1]
    expect(schema).toBeDefined()
    expect(existsSync(path.resolve(dir, schema!))).toBe(true)
    const stdout = await runCli(['grants', 'export', '--database', 'cloudtrail'], env)
    expect(stdout.code).toBe(0)
    expect(stdout.stdout).not.toContain('$schema')

    const forceAlone = await runCli(['grants', 'export', '--force'], env)
    expect(forceAlone.code).toBe(64)
    expect(forceAlone.stderr).toContain('--out')
  })

  it('--timeout says what range it accepts, and needs --wait', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    for (const value of ['0s', '25h', 'soon']) {
      const result = await runCli(['crawl', '--wait', '--timeout', value], env)
      expect({value, code: result.code}).toEqual({value, code: 64})
      expect(result.stderr).toContain('from 1s to 24h')
    }
    const alone = await runCli(['crawl', '--timeout', '10m'], env)
    expect(alone.code).toBe(64)
    expect(alone.stderr).toContain('--wait')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('declares flag relations: bootstrap --detailed-exitcode needs --dry-run; --prune is refused with a saved plan; --format with --json', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    const bootstrap = await runCli(['bootstrap', '--detailed-exitcode'], env)
    expect(bootstrap.code).toBe(64)
    expect(bootstrap.stderr).toContain('--dry-run')

    const dir = tempDir()
    writeFileSync(path.join(dir, 'plan.json'), '{}')
    const prune = await runCli(['grants', 'apply', path.join(dir, 'plan.json'), '--prune', '--auto-approve'], env)
    expect(prune.code).toBe(64)
    expect(prune.stderr).toContain('--prune cannot be used with a saved plan')

    const format = await runCli(['grants', 'plan', '--format', 'markdown', '--json'], env)
    expect(format.code).toBe(64)
    expect(parseJson<{error: {exitCode: number; message: string}}>(format).error.message).toContain('--format')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('--profile that does not exist exits 64 and lists the profiles that do', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    writeFileSync(env.AWS_CONFIG_FILE!, '[default]\nregion = us-east-1\n[profile lake-admin]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n')
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n')
    const result = await runCli(['doctor', '--profile', 'nosuch'], env)
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('no profile named "nosuch"')
    expect(result.stderr).toContain('Profiles that exist: ci, default, lake-admin.')
    expect((await sandboxStats()).total).toBe(0)

    const fromEnv = await runCli(['doctor'], {...env, AWS_PROFILE: 'nosuch'})
    expect(fromEnv.code).toBe(4)
    expect(fromEnv.stderr).toContain('AWS_PROFILE=nosuch')

    const existing = await runCli(['doctor', '--profile', 'ci', '--json'], env)
    expect(existing.stderr).not.toContain('no profile named')
  })

  it('a lake.yaml error gives lake.yaml\'s own hint, not grants validate', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'lake.yaml'), 'region: us-east-1\nbucket: {name: Bad_Bucket}\n')
    const result = await runCli(['bootstrap', '--dry-run', '--policies', dir], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('lake.yaml')
    expect(result.stderr).not.toContain('grants validate')
    expect(result.stderr).toContain('lake.schema.json')
  })
})

describe('a caller that is not a data lake admin (e2e)', () => {
  beforeEach(resetSandbox)

  it('is told that grants plan and the audit may be incomplete', async () => {
    const env = sandboxEnv(sandboxEndpoint())
    // The example grants are on this catalog: a plan checks it exists before it reads the grants.
    await createGlueCatalog(sandboxSdkConfig(sandboxEndpoint(), 1), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    const [plan, markdown, audit] = await Promise.all([
      runCli(['grants', 'plan', '--json'], env),
      runCli(['grants', 'plan', '--format', 'markdown'], env),
      runCli(['audit', 'access', '--json', '--policies', path.join('test', 'fixtures', 'policies', 'lake-aes')], env),
    ])
    expect(plan.code).toBe(0)
    expect(plan.stderr).toContain('warning: This plan may be incomplete: the caller arn:aws:iam::123456789012:user/moto is not a data lake administrator')
    expect(markdown.stdout).toMatch(/^> \*\*Warning:\*\* This plan may be incomplete/)
    expect(parseJson<{warnings: string[]}>(audit).warnings[0]).toMatch(/^This audit may be incomplete/)
  })
})

describe('Ctrl-C during crawl preflight (e2e)', () => {
  let server: Server
  let sockets: Socket[] = []
  let connected: () => void
  let firstConnection: Promise<void>

  beforeEach(async () => {
    firstConnection = new Promise((resolve) => (connected = resolve))
    // An endpoint that accepts connections and never answers: the preflight is still under way.
    server = createServer((socket) => {
      sockets.push(socket)
      connected()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })

  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    sockets = []
    await new Promise((resolve) => server.close(resolve))
  })

  it('says the preflight was interrupted and the crawler not started, and exits 130', async () => {
    const {port} = server.address() as {port: number}
    const dir = tempDir()
    mkdirSync(path.join(dir, 'policies'))
    writeFileSync(path.join(dir, 'policies', 'lake.yaml'), readFileSync(path.join(ROOT, 'policies', 'lake.yaml')))
    const env = sandboxEnv(`http://127.0.0.1:${port}`, {AWS_MAX_ATTEMPTS: '1'})
    const child = spawn(process.execPath, [BIN, 'crawl', '--wait'], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    await firstConnection
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr).toContain('Interrupted during the preflight checks: the crawler was not started')
  })
})
