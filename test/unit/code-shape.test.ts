import {ESLint} from 'eslint'
import path from 'node:path'

/** The shape issue 13 asks for, enforced by the lint config rather than by review. */
describe('the lint config keeps the code small and layered', () => {
  const eslint = new ESLint({cwd: path.resolve(__dirname, '..', '..')})
  const rulesOf = async (text: string, filePath: string) => (await eslint.lintText(text, {filePath}))[0].messages.map((message) => message.ruleId)

  it('refuses a function over 60 lines in src, and accepts one of 60', async () => {
    const fn = (lines: number) => `export function f(): number {\n${Array.from({length: lines - 3}, (_, index) => `  const v${index} = ${index}`).join('\n')}\n  return 0\n}\n`
    expect(await rulesOf(fn(61), 'src/core/example.ts')).toContain('max-lines-per-function')
    expect(await rulesOf(fn(60), 'src/core/example.ts')).not.toContain('max-lines-per-function')
  })

  it('refuses a command file over 80 lines', async () => {
    const text = `${Array.from({length: 81}, (_, index) => `export const v${index} = ${index}`).join('\n')}\n`
    expect(await rulesOf(text, 'src/commands/example.ts')).toContain('max-lines')
    expect(await rulesOf(text, 'src/workflows/example.ts')).not.toContain('max-lines')
  })

  it('refuses output/ importing workflows/ or aws/', async () => {
    expect(await rulesOf("import {readLake} from '../workflows/bootstrap'\nexport const x = readLake\n", 'src/output/example.ts')).toContain('@typescript-eslint/no-restricted-imports')
    expect(await rulesOf("import {S3Adapter} from '../aws/s3'\nexport const x = S3Adapter\n", 'src/output/example.ts')).toContain('@typescript-eslint/no-restricted-imports')
  })

  it('refuses an adapter running the core engine', async () => {
    expect(await rulesOf("import {applyChanges} from '../core/apply/apply'\nexport const x = applyChanges\n", 'src/aws/example.ts')).toContain('@typescript-eslint/no-restricted-imports')
  })
})
