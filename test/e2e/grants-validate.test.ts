import path from 'node:path'

import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxStats} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')

describe('lakegov grants validate (e2e)', () => {
  beforeEach(resetSandbox)

  it('accepts the example policies in the repository', async () => {
    const result = await runCli(['grants', 'validate', '--json'], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(result.code).toBe(0)
    const output = parseJson<{files: string[]; state: {grants: unknown[]}}>(result)
    expect(output.files).toEqual([path.join('policies', 'grants', 'security.yaml')])
    expect(output.state.grants).toHaveLength(4)
  })

  it('exits 3 listing every problem with file, line and field, and makes no AWS call', async () => {
    const policies = path.join('test', 'fixtures', 'policies', 'invalid')
    const result = await runCli(['grants', 'validate', '--policies', policies], sandboxEnv(sandboxEndpoint()), ROOT)

    expect(result.code).toBe(3)
    const file = path.join(policies, 'grants', 'readers.yaml')
    expect(result.stderr).toContain(`${file}:4:16: grants[0].principal: unknown principal "analyst"`)
    expect(result.stderr).toContain('hint: did you mean "analysts"?')
    expect(result.stderr).toContain(`${file}:9:19: grants[1].permissions[0]: SELECT is not a permission on a database`)
    expect(result.stderr).toContain('2 problems found')
    expect((await sandboxStats()).total).toBe(0)
  })

  it('with --json, lists the issues in the error object', async () => {
    const result = await runCli(['grants', 'validate', '--json', '--policies', path.join('test', 'fixtures', 'policies', 'invalid')], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(result.code).toBe(3)
    const {error} = parseJson<{error: {code: string; issues: Array<{line: number; field: string}>}}>(result)
    expect(error.code).toBe('POLICY_INVALID')
    expect(error.issues.map((issue) => `${issue.line}:${issue.field}`)).toEqual(['4:grants[0].principal', '9:grants[1].permissions[0]'])
  })
})
