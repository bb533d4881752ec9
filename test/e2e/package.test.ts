import {cpSync, mkdtempSync, readFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {installTarball, packTarball} from '../support/package'

const ROOT = path.resolve(__dirname, '..', '..')

// npm pack and an offline install of every dependency take a while on a loaded machine.
jest.setTimeout(600_000)

describe('the published package (npm pack, then install the tarball into an empty folder)', () => {
  let packed: ReturnType<typeof packTarball>
  let installed: string

  beforeAll(() => {
    packed = packTarball()
    installed = installTarball(packed.file)
  })

  it('is publishable and holds the CLI, the oclif manifest and the schemas, but no sources or tests', () => {
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    expect(pjson.private).toBeUndefined()
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'bin/run.js',
        'oclif.manifest.json',
        'dist/commands/grants/validate.js',
        'dist/hooks/command-not-found.js',
        'policies/schema/grants.schema.json',
        'policies/schema/lake.schema.json',
        'policies/lake.yaml',
        'package.json',
        'README.md',
      ]),
    )
    expect(packed.files.filter((file) => /^(src|test|bench|scripts)\//.test(file) || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([])
    const manifest = JSON.parse(readFileSync(path.join(installed, 'node_modules', 'lakegov', 'oclif.manifest.json'), 'utf8'))
    expect(Object.keys(manifest.commands).sort()).toContain('grants:validate')
    expect(manifest.version).toBe(pjson.version)
  })

  it('runs lakegov --version and lakegov grants validate from the install', () => {
    const bin = path.join(installed, 'node_modules', '.bin', 'lakegov')
    const env = {PATH: process.env.PATH, HOME: installed, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}
    const version = spawnSync(bin, ['--version'], {cwd: installed, env, encoding: 'utf8'})
    expect(version.status).toBe(0)
    expect(version.stdout).toMatch(/^lakegov\/\d+\.\d+\.\d+ /)

    const work = mkdtempSync(path.join(tmpdir(), 'lakegov-user-'))
    cpSync(path.join(ROOT, 'policies'), path.join(work, 'policies'), {recursive: true})
    const validate = spawnSync(bin, ['grants', 'validate'], {cwd: work, env, encoding: 'utf8'})
    expect({status: validate.status, stderr: validate.stderr}).toEqual({status: 0, stderr: ''})
    expect(validate.stdout).toMatch(/^1 file valid: \d+ grants/)

    const unknown = spawnSync(bin, ['grnts'], {cwd: work, env, encoding: 'utf8'})
    expect(unknown.status).toBe(64)
  })
})
