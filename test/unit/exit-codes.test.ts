import {readFileSync} from 'node:fs'
import path from 'node:path'

import {EXIT_CODE_DESCRIPTIONS, ExitCode, describeExitCodes} from '../../src/core/exit-codes'

const root = path.resolve(__dirname, '..', '..')

describe('exit codes', () => {
  it('describes every exit code exactly once', () => {
    const described = EXIT_CODE_DESCRIPTIONS.map(([code]) => code).sort((a, b) => a - b)
    expect(described).toEqual(Object.values(ExitCode).sort((a, b) => a - b))
  })

  it('lists every code in the help text', () => {
    const help = describeExitCodes()
    for (const [code, text] of EXIT_CODE_DESCRIPTIONS) expect(help).toContain(`${String(code).padEnd(3)} ${text}`)
  })

  it('documents every code in the README', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    for (const [code] of EXIT_CODE_DESCRIPTIONS) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
  })

  it("remaps oclif's usage errors to 64 and its default away from 2", () => {
    const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    const {default: fallback, ...usage} = pjson.oclif.exitCodes
    expect(fallback).toBe(ExitCode.Internal)
    expect(Object.keys(usage).sort()).toEqual(
      ['failedFlagParsing', 'failedFlagValidation', 'invalidArgsSpec', 'nonExistentFlag', 'requiredArgs', 'unexpectedArgs', 'violatedFlagConstraint'].sort(),
    )
    for (const code of Object.values(usage)) expect(code).toBe(ExitCode.Usage)
  })
})
