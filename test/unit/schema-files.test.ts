import {readFileSync} from 'node:fs'
import path from 'node:path'

import {SCHEMA_FILES, VALIDATORS_FILE, schemaText, validatorsText} from '../../scripts/write-schema'

describe('policies/schema', () => {
  it.each(SCHEMA_FILES.map(([name, schema]) => [name, schema] as const))('%s matches the schema lakegov validates with (run npm run schema)', (name, schema) => {
    const onDisk = readFileSync(path.resolve(__dirname, '..', '..', 'policies', 'schema', name), 'utf8')
    expect(onDisk).toBe(schemaText(schema))
  })
})

describe('src/core/policy/validators.generated.ts', () => {
  it('is the standalone code of the schemas lakegov validates with (run npm run schema)', () => {
    expect(readFileSync(VALIDATORS_FILE, 'utf8')).toBe(validatorsText())
  })
})
