import {readFileSync} from 'node:fs'
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

  it('does not promise "who did read them" in the intro, which is not built', () => {
    const intro = readme.slice(0, readme.indexOf('## The two commands'))
    expect(intro).not.toMatch(/who did read them/)
  })

  it('says that the example lake.yaml needs the KMS key alias/lake-logs', () => {
    expect(readme).toMatch(/`alias\/lake-logs`, which must exist before `bootstrap` runs/)
  })
})
