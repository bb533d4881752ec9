import {foldActivity} from '../../src/core/report/activity'
import {countryOf, dateOfVersion, ipv4Number, ipv6Number, isIpAddress, isSpecialPurpose, parseCountryDatabase, type CountryDatabase} from '../../src/core/report/geo'
import {loadCountryDatabase} from '../../src/io/ip-country'

const SOURCE = {name: 'test', version: '1.0.0', licence: 'test'}

// 1.0.0.0/24 AU and 8.8.8.0/24 US as `-num.csv` lines; 2001:200::/32 JP.
const SMALL = parseCountryDatabase('16777216,16777471,AU\n134744064,134744319,US\nnot,a,line\n', '42540528726795050063891204319802818560,42540528806023212578155541913346768895,JP\n', SOURCE)

describe('IP addresses', () => {
  it.each([
    ['0.0.0.0', 0],
    ['1.0.0.1', 16777217],
    ['255.255.255.255', 4294967295],
    ['256.1.1.1', undefined],
    ['1.2.3', undefined],
    ['athena.amazonaws.com', undefined],
  ])('ipv4Number(%s) = %s', (address, expected) => {
    expect(ipv4Number(address)).toBe(expected)
  })

  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['2001:200::', 42540528726795050063891204319802818560n],
    ['2001:db8:0:0:0:0:0:1', (0x20010db8n << 96n) + 1n],
    ['::ffff:1.2.3.4', 0xffff01020304n],
    ['1::2::3', undefined],
    ['AWS Internal', undefined],
  ])('ipv6Number(%s) = %s', (address, expected) => {
    expect(ipv6Number(address)).toBe(expected)
  })

  it('knows a service name and AWS Internal are not addresses', () => {
    expect(['athena.amazonaws.com', 'AWS Internal', 'lakeformation.amazonaws.com', ''].map(isIpAddress)).toEqual([false, false, false, false])
    expect(['8.8.8.8', '2001:db8::1'].map(isIpAddress)).toEqual([true, true])
  })

  it.each([
    ['10.1.2.3', true],
    ['172.31.0.1', true],
    ['172.32.0.1', false],
    ['192.0.2.10', true],
    ['198.51.100.1', true],
    ['203.0.113.9', true],
    ['100.64.0.1', true],
    ['8.8.8.8', false],
    ['2001:db8::5', true],
    ['fe80::1', true],
    ['2a00:1450::1', false],
  ])('isSpecialPurpose(%s) = %s', (address, expected) => {
    expect(isSpecialPurpose(address)).toBe(expected)
  })
})

describe('countryOf on a small database', () => {
  it.each([
    ['1.0.0.0', 'AU'],
    ['1.0.0.255', 'AU'],
    ['1.0.1.0', undefined],
    ['8.8.8.8', 'US'],
    ['0.255.255.255', undefined],
    ['2001:200::1', 'JP'],
    ['2001:201::1', undefined],
    ['athena.amazonaws.com', undefined],
  ])('%s is %s', (address, country) => {
    expect(countryOf(SMALL, address)).toBe(country)
  })
})

describe('the shipped database', () => {
  let database: CountryDatabase
  beforeAll(async () => {
    database = await loadCountryDatabase()
  })

  it('places known ranges', () => {
    // 1.0.0.0/24 is the package README's own example (AU); 8.8.8.0/24 is Google's (US); 81.2.69.160 is in a GB range.
    expect(['1.0.0.1', '8.8.8.8', '81.2.69.160'].map((address) => countryOf(database, address))).toEqual(['AU', 'US', 'GB'])
  })

  it('places no special-purpose address, though the data places the documentation blocks', () => {
    expect(['10.0.0.1', '192.168.1.1', '203.0.113.5', '198.51.100.7', '2001:db8::1'].map((address) => countryOf(database, address))).toEqual([undefined, undefined, undefined, undefined, undefined])
  })

  it('cites the data with its date', () => {
    expect(database.source.name).toBe('@ip-location-db/geo-whois-asn-country')
    expect(database.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(database.source.licence).toContain('CC BY 4.0')
  })
})

describe('the geography of the activity', () => {
  const record = (id: string, sourceIPAddress: string) => ({eventID: id, eventTime: '2026-11-02T01:00:00Z', eventSource: 'glue.amazonaws.com', eventName: 'GetTable', awsRegion: 'us-east-1', sourceIPAddress, userIdentity: {arn: 'arn:aws:iam::1:user/a'}})
  const window = {from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z'}

  it('leaves out service names and AWS Internal, and counts unplaced addresses apart', () => {
    const records = [record('1', '8.8.8.8'), record('2', '8.8.8.9'), record('3', '1.0.0.7'), record('4', 'athena.amazonaws.com'), record('5', 'AWS Internal'), record('6', '10.0.0.1'), record('6', '8.8.8.8')]
    const figures = foldActivity(records, window, (address) => countryOf(SMALL, address))
    expect(figures.countries).toEqual([{key: 'US', count: 2}, {key: 'AU', count: 1}])
    expect(figures.fromServices).toBe(2)
    expect(figures.unplaced).toBe(1)
    expect(figures.events).toBe(6)
  })

  it('reads the date of the data from the version', () => {
    expect(dateOfVersion('2.3.2026061719')).toBe('2026-06-17')
    expect(dateOfVersion('1.0.0')).toBeUndefined()
  })
})
