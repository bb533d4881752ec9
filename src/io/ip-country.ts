/**
 * Loads the offline IP-to-country database, `@ip-location-db/geo-whois-asn-country` (its numeric
 * CSV files: ranges as integers, so no address parsing at load). The package says CC0; its data
 * comes from the five RIRs' WHOIS under CC BY 4.0 by the NRO, which the page credits. Read only by
 * `lakegov report`, when the geography is drawn.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {dateOfVersion, parseCountryDatabase, type CountryDatabase} from '../core/report/geo'

/** The package the database comes from. */
export const IP_DATABASE_PACKAGE = '@ip-location-db/geo-whois-asn-country'

/** Reads and parses the database; throws when the package is not installed. */
export async function loadCountryDatabase(): Promise<CountryDatabase> {
  const manifest = require.resolve(`${IP_DATABASE_PACKAGE}/package.json`)
  const directory = path.dirname(manifest)
  const {version} = JSON.parse(await readFile(manifest, 'utf8')) as {version: string}
  const [ipv4, ipv6] = await Promise.all([
    readFile(path.join(directory, 'geo-whois-asn-country-ipv4-num.csv'), 'utf8'),
    readFile(path.join(directory, 'geo-whois-asn-country-ipv6-num.csv'), 'utf8'),
  ])
  const date = dateOfVersion(version)
  return parseCountryDatabase(ipv4, ipv6, {
    name: IP_DATABASE_PACKAGE,
    version,
    ...(date ? {date} : {}),
    licence: 'package CC0-1.0; data from the RIRs\' WHOIS, CC BY 4.0 by the Number Resource Organization (nro.net)',
  })
}
