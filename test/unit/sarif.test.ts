import type {Finding} from '../../src/core/audit/findings'
import {RULES} from '../../src/core/audit/rules'
import {renderSarif, toArtifactUri} from '../../src/output/sarif'
import {validateSarif as validate} from '../support/sarif'

const located: Finding = {
  ruleId: 'LG011',
  severity: 'medium',
  title: 'Analyst can grant SELECT on table:cloudtrail.events',
  resource: 'arn:aws:iam::111122223333:role/Analyst table:cloudtrail.events',
  principal: 'arn:aws:iam::111122223333:role/Analyst',
  evidence: 'Grant option on SELECT.',
  fix: 'Revoke the grant option.',
  location: {file: '.\\policies\\grants\\analysts.yaml', line: 12},
}
const unlocated: Finding = {
  ruleId: 'LG003',
  severity: 'critical',
  title: 'Anyone can read the log objects directly from S3',
  resource: 'arn:aws:s3:::logs/AWSLogs/*',
  principal: '*',
  evidence: 's3:GetObject via the bucket policy.',
  fix: 'Remove the public statement.',
}

describe('renderSarif', () => {
  const log = renderSarif([located, unlocated], RULES, {version: '1.2.3'})

  it('validates against the SARIF 2.1.0 schema', () => {
    expect(validate(log) ? [] : validate.errors).toEqual([])
    expect(validate(renderSarif([], RULES, {version: '0.0.0'}))).toBe(true)
  })

  it('is a valid log the schema rejects when broken, so the validation is real', () => {
    const broken = JSON.parse(JSON.stringify(log))
    broken.runs[0].results[0].level = 'fatal'
    expect(validate(broken)).toBe(false)
  })

  it('describes the tool and every rule, with help and GitHub security severities', () => {
    const {driver} = log.runs[0].tool
    expect(driver).toMatchObject({name: 'lakegov', version: '1.2.3'})
    expect(driver.rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id))
    const byId = Object.fromEntries(driver.rules.map((rule) => [rule.id, rule]))
    expect(byId.LG003).toMatchObject({
      name: 'S3BypassReader',
      shortDescription: {text: 'A principal can read the log objects directly from S3'},
      defaultConfiguration: {level: 'error'},
      properties: {'security-severity': '8.0'},
    })
    expect(byId.LG003.help.markdown).toContain('`s3:GetObject`')
    expect(byId.LG003.help.markdown).toContain('**Fix:**')
    expect(byId.LG003.help.text).not.toContain('`')
    expect([byId.LG012.defaultConfiguration.level, byId.LG012.properties['security-severity']]).toEqual(['warning', '5.5'])
    expect([byId.LG007.defaultConfiguration.level, byId.LG007.properties['security-severity']]).toEqual(['note', '3.0'])
  })

  it('maps each finding to a result with its rule index, level and message', () => {
    const [first, second] = log.runs[0].results
    expect(first).toMatchObject({ruleId: 'LG011', ruleIndex: RULES.findIndex((rule) => rule.id === 'LG011'), level: 'warning'})
    expect(first.message.text).toBe(`${located.title}. ${located.evidence} Fix: ${located.fix}`)
    expect(second).toMatchObject({ruleId: 'LG003', ruleIndex: 2, level: 'error', properties: {severity: 'critical'}})
  })

  it('points at the policy file line with a repository-relative, forward-slash URI, and names the resource', () => {
    expect(log.runs[0].results[0].locations).toEqual([
      {
        physicalLocation: {artifactLocation: {uri: 'policies/grants/analysts.yaml'}, region: {startLine: 12}},
        logicalLocations: [{name: located.resource, fullyQualifiedName: located.resource, kind: 'resource'}],
      },
    ])
  })

  it('uses a logical location alone without a file, or the fallback file when given', () => {
    expect(log.runs[0].results[1].locations).toEqual([{logicalLocations: [{name: unlocated.resource, fullyQualifiedName: unlocated.resource, kind: 'resource'}]}])
    const withFallback = renderSarif([unlocated], RULES, {version: '1.2.3', fallbackFile: 'policies/lake.yaml'})
    expect(withFallback.runs[0].results[0].locations[0].physicalLocation).toEqual({artifactLocation: {uri: 'policies/lake.yaml'}, region: {startLine: 1}})
  })

  it('gives stable fingerprints that tell findings apart', () => {
    const again = renderSarif([unlocated, located], RULES, {version: '9.9.9'})
    const fingerprint = (result: {partialFingerprints: Record<string, string>}) => Object.values(result.partialFingerprints)[0]
    expect(fingerprint(again.runs[0].results[1])).toBe(fingerprint(log.runs[0].results[0]))
    expect(fingerprint(log.runs[0].results[0])).not.toBe(fingerprint(log.runs[0].results[1]))
    const otherPrincipal = renderSarif([{...unlocated, principal: '444455556666'}], RULES, {version: '1'})
    expect(fingerprint(otherPrincipal.runs[0].results[0])).not.toBe(fingerprint(log.runs[0].results[1]))
  })

  it('refuses a finding for a rule it does not know', () => {
    expect(() => renderSarif([{...located, ruleId: 'LG999'}], RULES, {version: '1'})).toThrow('LG999')
  })
})

describe('toArtifactUri', () => {
  it.each([
    ['policies/grants/a.yaml', 'policies/grants/a.yaml'],
    ['./policies/lake.yaml', 'policies/lake.yaml'],
    ['policies\\grants\\b.yaml', 'policies/grants/b.yaml'],
    ['policies/my grants/c.yaml', 'policies/my%20grants/c.yaml'],
  ])('%s -> %s', (file, uri) => {
    expect(toArtifactUri(file)).toBe(uri)
  })
})
