/**
 * Source country of a call, from an offline IP-to-country database (ranges of addresses, each
 * with an ISO 3166-1 alpha-2 code). Pure: the database's text is read by src/io/ip-country.ts and
 * parsed here. CloudTrail's sourceIPAddress is not always an address: calls AWS makes on a
 * principal's behalf carry the service's name (`athena.amazonaws.com`) or `AWS Internal`; those are
 * left out of the geography and counted apart.
 */

/** A parsed database: sorted, non-overlapping inclusive ranges per address family. */
export interface CountryDatabase {
  /** IPv4 range starts, ascending. */
  v4Start: Float64Array
  /** IPv4 range ends (inclusive). */
  v4End: Float64Array
  /** IPv4 range countries. */
  v4Country: string[]
  /** IPv6 ranges, as bigints, ascending by start. */
  v6: Array<{start: bigint; end: bigint; country: string}>
  /** Where the data comes from, for the page's citation. */
  source: DatabaseSource
}

/** The citation of the database. */
export interface DatabaseSource {
  /** The package name. */
  name: string
  /** Its version. */
  version: string
  /** The data's date, YYYY-MM-DD, when the version carries one. */
  date?: string
  /** The data's licence and attribution. */
  licence: string
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** An IPv4 address as a number, or undefined. */
export function ipv4Number(address: string): number | undefined {
  const match = IPV4.exec(address)
  if (!match) return undefined
  const parts = match.slice(1).map(Number)
  if (parts.some((part) => part > 255)) return undefined
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3]
}

/** An IPv6 address (with `::` and an optional embedded IPv4 tail) as a bigint, or undefined. */
export function ipv6Number(address: string): bigint | undefined {
  if (!address.includes(':') || !/^[0-9a-fA-F:.]+$/.test(address)) return undefined
  let text = address
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (tail) {
    const v4 = ipv4Number(tail[1])
    if (v4 === undefined) return undefined
    text = `${text.slice(0, -tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] ? halves[0].split(':') : []
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]
  let value = 0n
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
    value = (value << 16n) + BigInt(Number.parseInt(group, 16))
  }
  return value
}

/** Whether a sourceIPAddress is an address at all (not a service name or `AWS Internal`). */
export function isIpAddress(value: string): boolean {
  return ipv4Number(value) !== undefined || ipv6Number(value) !== undefined
}

/**
 * Parses the `-num.csv` files (`start,end,CC` per line, inclusive, ascending). Lines that do not
 * parse are skipped.
 */
export function parseCountryDatabase(ipv4Csv: string, ipv6Csv: string, source: DatabaseSource): CountryDatabase {
  const v4: Array<[number, number, string]> = []
  for (const line of ipv4Csv.split('\n')) {
    const [start, end, country] = line.trim().split(',')
    if (!country || !/^\d+$/.test(start) || !/^\d+$/.test(end)) continue
    v4.push([Number(start), Number(end), country])
  }
  v4.sort((a, b) => a[0] - b[0])
  const v6: CountryDatabase['v6'] = []
  for (const line of ipv6Csv.split('\n')) {
    const [start, end, country] = line.trim().split(',')
    if (!country || !/^\d+$/.test(start) || !/^\d+$/.test(end)) continue
    v6.push({start: BigInt(start), end: BigInt(end), country})
  }
  v6.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  return {
    v4Start: Float64Array.from(v4.map((range) => range[0])),
    v4End: Float64Array.from(v4.map((range) => range[1])),
    v4Country: v4.map((range) => range[2]),
    v6,
    source,
  }
}

/** The last index whose start is <= value, or -1. */
function floorIndex(length: number, startAt: (index: number) => boolean): number {
  let low = 0
  let high = length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (startAt(middle)) {
      found = middle
      low = middle + 1
    } else high = middle - 1
  }
  return found
}

/**
 * IANA's special-purpose blocks (RFC 6890 and the IANA IPv4/IPv6 Special-Purpose Address
 * Registries): private, shared, loopback, link-local, documentation (RFC 5737, RFC 3849),
 * benchmarking, multicast and reserved. They belong to no country; the npm data places some of
 * them (the documentation blocks come out as AU), so they are answered here first.
 */
const SPECIAL_V4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]
const SPECIAL_V6: ReadonlyArray<[string, number]> = [['::', 127], ['fc00::', 7], ['fe80::', 10], ['2001:db8::', 32], ['ff00::', 8]]

/** Whether an address is in a special-purpose block (no country). */
export function isSpecialPurpose(address: string): boolean {
  const v4 = ipv4Number(address)
  if (v4 !== undefined) return SPECIAL_V4.some(([base, bits]) => Math.floor(v4 / 2 ** (32 - bits)) === Math.floor((ipv4Number(base) ?? -1) / 2 ** (32 - bits)))
  const v6 = ipv6Number(address)
  if (v6 === undefined) return false
  return SPECIAL_V6.some(([base, bits]) => v6 >> BigInt(128 - bits) === (ipv6Number(base) ?? -1n) >> BigInt(128 - bits))
}

/** The country of an address; undefined for a name that is not an address, a special-purpose address, or an address in no range. */
export function countryOf(database: CountryDatabase, address: string): string | undefined {
  if (isSpecialPurpose(address)) return undefined
  const v4 = ipv4Number(address)
  if (v4 !== undefined) {
    const index = floorIndex(database.v4Start.length, (i) => database.v4Start[i] <= v4)
    return index >= 0 && v4 <= database.v4End[index] ? database.v4Country[index] : undefined
  }
  const v6 = ipv6Number(address)
  if (v6 === undefined) return undefined
  const index = floorIndex(database.v6.length, (i) => database.v6[i].start <= v6)
  return index >= 0 && v6 <= database.v6[index].end ? database.v6[index].country : undefined
}

/** The data's date from a version such as 2.3.2026061719 (YYYYMMDDHH in the patch number). */
export function dateOfVersion(version: string): string | undefined {
  const match = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version)
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined
}
