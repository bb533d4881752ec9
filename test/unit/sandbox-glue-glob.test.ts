import {globToRegExp, isExcluded} from '../support/sandbox/glue/glob'

describe('Glue exclusion globs', () => {
  const digest = 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/24/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20261124T010000Z.json.gz'
  const log = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/24/123456789012_CloudTrail_us-east-1_20261124T0005Z_abc123.json.gz'

  it.each([
    // ** crosses folders, * does not.
    ['**/CloudTrail-Digest/**', digest, true],
    ['**/CloudTrail-Digest/**', log, false],
    ['*.json', 'a.json', true],
    ['*.json', 'folder/a.json', false],
    ['**.json', 'folder/deeper/a.json', true],
    ['**.json', 'folder/a.json.gz', false],
    ['**.gz', log, true],
    ['AWSLogs/*/CloudTrail/**', log, true],
    ['AWSLogs/*/CloudTrail/**', digest, false],
    ['AWSLogs/*', log, false],
    // ? is one character within a name; classes and groups as in Java globs.
    ['?.csv', 'a.csv', true],
    ['?.csv', 'ab.csv', false],
    ['?.csv', '/.csv', false],
    ['[a-c].txt', 'b.txt', true],
    ['[!a-c].txt', 'b.txt', false],
    ['[!a-c].txt', 'd.txt', true],
    ['**.{csv,json}', 'x/y.json', true],
    ['**.{csv,json}', 'x/y.parquet', false],
    ['**/_SUCCESS', 'year=2026/_SUCCESS', true],
    ['file\\*.txt', 'file*.txt', true],
    ['file\\*.txt', 'fileA.txt', false],
    ['a.b', 'aXb', false],
  ])('%s against %s: %s', (pattern, key, excluded) => {
    expect(isExcluded(key, [pattern])).toBe(excluded)
  })

  it('excludes a key when any pattern matches', () => {
    expect(isExcluded(digest, ['*.csv', '**/CloudTrail-Digest/**'])).toBe(true)
    expect(isExcluded(log, [])).toBe(false)
  })

  it('refuses an unclosed group', () => {
    expect(() => globToRegExp('**.{csv,json')).toThrow(/unclosed/)
  })
})
