/**
 * Issue 18: hostile policy files. An alias bomb, a 10 MB file and 10,000 levels of nesting are
 * policy errors (exit 3, file named, no AWS call) in grants files and in lake.yaml; and a value with
 * an escape sequence is shown escaped in the error that names it.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxStats} from '../support/sandbox/client'
import {HOSTILE, hostileYaml} from '../support/hostile'

/** Anything a terminal acts on, line feed aside. */
// eslint-disable-next-line no-control-regex
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const CASES: Array<[string, string]> = [
  ['an alias bomb', hostileYaml.aliasBomb],
  ['a 10 MB file', hostileYaml.large(10 * 1024 * 1024)],
  ['10,000 levels of nesting', hostileYaml.flowNesting(10_000)],
]

function policiesWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-hostile-'))
  mkdirSync(path.join(dir, 'grants'))
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  return dir
}

describe('hostile policy files (e2e)', () => {
  beforeEach(resetSandbox)

  it.each(CASES)('grants plan refuses %s in a grants file: exit 3, the file named, no AWS call', async (_name, text) => {
    const dir = policiesWith({'grants/hostile.yaml': text})
    const result = await runCli(['grants', 'plan', '--policies', dir], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(`${path.join(dir, 'grants', 'hostile.yaml')}:`)
    expect(result.stderr).not.toContain('Unexpected error')
    expect((await sandboxStats()).total).toBe(0)
  })

  it.each(CASES)('status refuses %s in lake.yaml: exit 3, the file named, no AWS call', async (_name, text) => {
    const dir = policiesWith({'lake.yaml': text})
    const result = await runCli(['status', '--policies', dir, '--json'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(3)
    const {error} = parseJson<{error: {code: string; issues: Array<{file: string; line: number}>}}>(result)
    expect(error.code).toBe('POLICY_INVALID')
    expect(error.issues[0].file).toBe(path.join(dir, 'lake.yaml'))
    expect((await sandboxStats()).total).toBe(0)
  })

  it('shows a policy value with escape sequences escaped in the error that names it', async () => {
    const principal = `${HOSTILE.osc8Hyperlink}${HOSTILE.clearScreen}${HOSTILE.rightToLeftOverride}`
    const grants = [
      'principals:',
      '  analysts: arn:aws:iam::111122223333:role/Analyst',
      'grants:',
      `  - principal: ${JSON.stringify(principal)}`,
      '    database: cloudtrail',
      '    table: logs',
      '    permissions: [SELECT]',
      '',
    ].join('\n')
    const dir = policiesWith({'grants/hostile.yaml': grants})
    const result = await runCli(['grants', 'validate', '--policies', dir], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(3)
    expect(result.stderr).not.toMatch(TERMINAL_ACTIVE)
    expect(result.stderr).toContain('\\x1b]8;;https://evil.example/\\x07click here\\x1b]8;;\\x07\\x1b[2J\\x1b[Hall clearinvoice\\u202egpj.exe')

    const json = await runCli(['grants', 'validate', '--policies', dir, '--json'], sandboxEnv(sandboxEndpoint()))
    expect(json.code).toBe(3)
    expect(json.stdout).not.toMatch(TERMINAL_ACTIVE)
    const {error} = parseJson<{error: {issues: Array<{message: string}>}}>(json)
    // --json keeps the exact value: the escapes are JSON's own.
    expect(error.issues.some((issue) => issue.message.includes(principal))).toBe(true)
  })
})
