import Ajv from 'ajv'

// The official SARIF 2.1.0 schema (draft-07 edition, the one json.schemastore.org serves); its
// source is in test/fixtures/sarif/README.md.
import schema from '../fixtures/sarif/sarif-schema-2.1.0.json'

// The schema's language pattern has a stray ']' that only non-unicode regular expressions accept.
const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false})
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i)
ajv.addFormat('uri-reference', /^[^\s]*$/)
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/)

/** Validates a SARIF log against the vendored 2.1.0 schema; `validateSarif.errors` holds the problems. */
export const validateSarif = ajv.compile(schema)
