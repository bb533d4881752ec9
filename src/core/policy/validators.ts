/**
 * The schema validators of the grants files and lake.yaml, precompiled by `npm run schema` into
 * validators.generated.ts (ajv's standalone code): compiling a schema at start cost more than the
 * rest of `grants validate` together. A unit test checks the generated code is up to date.
 */
import type {ValidateFunction} from 'ajv'

import * as generated from './validators.generated'

/** Validates one grants file's document against GRANTS_SCHEMA; errors are on `.errors`. */
export const validateGrantsDocument = generated.validateGrants as unknown as ValidateFunction

/** Validates lake.yaml's document against LAKE_SCHEMA; errors are on `.errors`. */
export const validateLakeDocument = generated.validateLake as unknown as ValidateFunction
