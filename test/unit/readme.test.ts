import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8')

describe('README promises', () => {
  it('its GitHub workflow installs lakegov from the checkout and never runs it from the npm registry', () => {
    const workflow = /```yaml\n# \.github\/workflows\/lake-audit\.yml\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(workflow).toBeDefined()
    expect(workflow).not.toMatch(/npx lakegov|npm (install|i) (-g )?lakegov\b/)
    const install = workflow!.indexOf('npm ci && npm run build')
    expect(install).toBeGreaterThan(0)
    expect(workflow!.indexOf('./bin/run.js audit')).toBeGreaterThan(install)
  })

  it('lists exactly the commands that exist in its commands table, so the intro and status stay true', () => {
    const listed = new Set([...readme.matchAll(/^\| `lakegov ([a-z][a-z-]*(?: [a-z][a-z-]*)?)/gm)].map((match) => match[1]))
    const commandsDir = path.resolve(__dirname, '..', '..', 'src', 'commands')
    const existing = readdirSync(commandsDir, {recursive: true, encoding: 'utf8'})
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, '').split(path.sep).join(' '))
    expect([...listed].sort()).toEqual(existing.sort())
  })

  it('says that the example lake.yaml needs the KMS key alias/lake-logs', () => {
    expect(readme).toMatch(/`alias\/lake-logs`, which must exist before `bootstrap` runs/)
  })
})
