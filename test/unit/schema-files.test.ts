import {readFileSync} from 'node:fs'
import path from 'node:path'

import {SCHEMA_FILES, VALIDATOR_FILES, schemaText, validatorText} from '../../scripts/write-schema'

describe('policies/schema', () => {
  it.each(SCHEMA_FILES.map(([name, schema]) => [name, schema] as const))('%s matches the schema lakegov validates with (run npm run schema)', (name, schema) => {
    const onDisk = readFileSync(path.resolve(__dirname, '..', '..', 'policies', 'schema', name), 'utf8')
    expect(onDisk).toBe(schemaText(schema))
  })
})

describe('the precompiled validators', () => {
  it.each(VALIDATOR_FILES.map(([file, name, schema]) => [path.basename(file), name, schema] as const))('%s is the standalone code of the schema lakegov validates with (run npm run schema)', (file, name, schema) => {
    expect(readFileSync(path.resolve(__dirname, '..', '..', 'src', 'core', 'policy', file), 'utf8')).toBe(validatorText(name, schema))
  })
})
