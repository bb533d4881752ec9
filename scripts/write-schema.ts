/** `npm run schema`: writes policies/schema/*.json from the schemas in src/core/policy (the source of truth). */
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {ACTIVITY_EVENTS_SCHEMA, ACTIVITY_READS_SCHEMA, ACTIVITY_SUMMARY_SCHEMA} from '../src/core/activity/output-schema'
import {LAKE_SCHEMA} from '../src/core/policy/lake-schema'
import {GRANTS_SCHEMA} from '../src/core/policy/schema'

export const SCHEMA_FILES: ReadonlyArray<readonly [string, object]> = [
  ['grants.schema.json', GRANTS_SCHEMA],
  ['lake.schema.json', LAKE_SCHEMA],
  ['activity-events.schema.json', ACTIVITY_EVENTS_SCHEMA],
  ['activity-summary.schema.json', ACTIVITY_SUMMARY_SCHEMA],
  ['activity-reads.schema.json', ACTIVITY_READS_SCHEMA],
]

export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}

if (require.main === module) {
  for (const [name, schema] of SCHEMA_FILES) {
    const file = path.resolve(__dirname, '..', 'policies', 'schema', name)
    writeFileSync(file, schemaText(schema))
    console.log(`wrote ${path.relative(process.cwd(), file)}`)
  }
}
