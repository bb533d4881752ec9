import {parseLakeConfig} from '../../src/core/policy/lake-parse'
import {parsePolicies} from '../../src/core/policy/parse'
import {MAX_POLICY_FILE_CHARS, MAX_YAML_ALIASES, MAX_YAML_DEPTH, readYaml} from '../../src/core/policy/source-map'
import {hostileYaml} from '../support/hostile'

describe('policy file limits (issue 18)', () => {
  it('refuses an alias bomb at the first alias, as an issue rather than an exception', () => {
    const result = readYaml({path: 'grants/bomb.yaml', text: hostileYaml.aliasBomb})
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toEqual([expect.objectContaining({file: 'grants/bomb.yaml', line: 2, message: expect.stringContaining(`more than ${MAX_YAML_ALIASES} copies`)})])
  })

  it('reports every duplicate key, found in one pass', () => {
    const result = readYaml({path: 'dup.yaml', text: 'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n'})
    expect(result).toEqual({
      ok: false,
      issues: [expect.objectContaining({line: 4, column: 3, message: 'YAML syntax error: Map keys must be unique'}), expect.objectContaining({line: 5, column: 1})],
    })
  })

  it('still reads a file with a few aliases', () => {
    const result = readYaml({path: 'ok.yaml', text: 'base: &p [SELECT, DESCRIBE]\nother: *p\n'})
    expect(result).toMatchObject({ok: true, value: {base: ['SELECT', 'DESCRIBE'], other: ['SELECT', 'DESCRIBE']}})
  })

  it('refuses a file over 1 MiB before parsing it', () => {
    const result = readYaml({path: 'big.yaml', text: hostileYaml.large(10 * 1024 * 1024)})
    expect(result).toEqual({ok: false, issues: [expect.objectContaining({file: 'big.yaml', line: 1, message: expect.stringContaining('limited to 1 MiB')})]})
    const edge = `principals: {a: 'arn:aws:iam::111122223333:role/a'}\n#${'x'.repeat(MAX_POLICY_FILE_CHARS - 54)}\n`
    expect(edge.length).toBe(MAX_POLICY_FILE_CHARS)
    expect(readYaml({path: 'edge.yaml', text: edge}).ok).toBe(true)
    expect(readYaml({path: 'over.yaml', text: `${edge} `}).ok).toBe(false)
  })

  it.each([
    ['flow collections', hostileYaml.flowNesting(10_000)],
    ['block sequences', hostileYaml.blockNesting(10_000)],
  ])('refuses 10,000 levels of %s with the line', (_kind, text) => {
    const result = readYaml({path: 'deep.yaml', text})
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]).toMatchObject({file: 'deep.yaml', message: expect.stringContaining('nested too deeply')})
    expect(result.issues[0].line).toBeGreaterThanOrEqual(1)
  })

  it('refuses nesting past the limit that the parser can still read, naming the deepest line', () => {
    const text = `grants:\n  - principal: a\n    permissions: ${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}\n`
    const result = readYaml({path: 'deep.yaml', text})
    expect(result).toEqual({ok: false, issues: [expect.objectContaining({line: 3, message: `the YAML is nested ${MAX_YAML_DEPTH + 3} levels deep; policy files are limited to ${MAX_YAML_DEPTH}`})]})
    expect(readYaml({path: 'fine.yaml', text: `a: ${'['.repeat(MAX_YAML_DEPTH - 1)}${']'.repeat(MAX_YAML_DEPTH - 1)}`}).ok).toBe(true)
  })

  it('reports the limits through parsePolicies and parseLakeConfig, with the file named', () => {
    const grants = parsePolicies([{path: 'grants/bomb.yaml', text: hostileYaml.aliasBomb}, {path: 'grants/big.yaml', text: hostileYaml.large(2 * 1024 * 1024)}])
    expect(grants.ok).toBe(false)
    if (!grants.ok) expect(grants.issues.map((issue) => issue.file)).toEqual(['grants/big.yaml', 'grants/bomb.yaml'])
    const lake = parseLakeConfig({path: 'lake.yaml', text: hostileYaml.flowNesting(10_000)})
    expect(lake).toEqual({ok: false, issues: [expect.objectContaining({file: 'lake.yaml', message: expect.stringContaining('nested too deeply')})]})
  })
})
