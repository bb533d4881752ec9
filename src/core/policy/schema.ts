/**
 * The JSON Schema of policies/grants/*.yaml. This object is the source of truth: the copy in
 * policies/schema/grants.schema.json is written from it (`npm run schema`) and a test keeps the two
 * equal, so editors and lakegov validate against the same rules.
 */

const name = {type: 'string', minLength: 1, maxLength: 255}
const stringList = {type: 'array', items: {type: 'string', minLength: 1}, uniqueItems: true}
const permission = {
  type: 'string',
  enum: [
    'ALL',
    'SELECT',
    'ALTER',
    'DROP',
    'DELETE',
    'INSERT',
    'DESCRIBE',
    'CREATE_DATABASE',
    'CREATE_TABLE',
    'DATA_LOCATION_ACCESS',
    'CREATE_LF_TAG',
    'ASSOCIATE',
    'GRANT_WITH_LF_TAG_EXPRESSION',
    'CREATE_LF_TAG_EXPRESSION',
    'CREATE_CATALOG',
    'SUPER_USER',
  ],
}
const columns = {
  type: 'object',
  description: 'Either the columns to include, or the columns to exclude (every other column).',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {include: {...stringList, minItems: 1}, exclude: stringList},
}
const tagValues = {
  type: 'object',
  description: 'LF-tag key -> accepted values.',
  minProperties: 1,
  additionalProperties: {oneOf: [{...stringList, minItems: 1}, {type: 'string', minLength: 1}]},
}

export const GRANTS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lakegov grants file',
  description: 'Lake Formation access grants, LF-tags and data cells filters, managed by lakegov.',
  type: 'object',
  additionalProperties: false,
  properties: {
    principals: {
      type: 'object',
      description: 'Names used by grants -> an IAM role or user ARN, an account id, an organization or OU ARN, or a SAML or Identity Center group ARN.',
      additionalProperties: {type: 'string', minLength: 1},
    },
    scope: {
      type: 'object',
      description: 'What this policy set manages. --prune never revokes anything outside it.',
      additionalProperties: false,
      properties: {
        databases: {...stringList, description: 'Databases whose database, table, column and filter grants are managed.'},
        locations: {...stringList, description: 'S3 locations (s3://bucket/prefix) whose DATA_LOCATION_ACCESS grants are managed.'},
        catalog: {type: 'boolean', description: 'Manage catalog grants (CREATE_DATABASE).'},
        tags: {type: 'boolean', description: 'Manage LF-tag and LF-tag expression grants.'},
      },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['principal', 'permissions'],
        properties: {
          principal: {type: 'string', minLength: 1, description: 'A name from principals, or IAM_ALLOWED_PRINCIPALS (needs allowBroad).'},
          catalog: {const: true, description: 'A grant on the Data Catalog itself (CREATE_DATABASE).'},
          database: name,
          table: {...name, description: 'A table name, or "*" for every table in the database, now and future.'},
          columns,
          filter: {...name, description: 'A data cells filter declared under filters.'},
          location: {type: 'string', pattern: '^(s3://|arn:aws[a-z-]*:s3:::)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$', description: 'An S3 location: s3://bucket/prefix.'},
          tag: {...tagValues, description: 'A grant on an LF-tag itself (ASSOCIATE, DESCRIBE): key -> values.'},
          tags: {...tagValues, description: 'An LF-tag expression grant: key -> accepted values.'},
          on: {enum: ['tables', 'databases'], description: 'What a tags expression grant covers (default: tables).'},
          permissions: {type: 'array', items: permission, minItems: 1, uniqueItems: true},
          grantable: {type: 'array', items: permission, uniqueItems: true, description: 'Permissions held with the grant option; a subset of permissions.'},
          allowBroad: {type: 'boolean', description: 'Acknowledge a grant to IAM_ALLOWED_PRINCIPALS, a whole organization, or another account.'},
        },
      },
    },
    filters: {
      type: 'object',
      description: 'Data cells filters by name.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['database', 'table'],
        properties: {
          database: name,
          table: name,
          rows: {type: 'string', minLength: 1, description: 'A PartiQL row filter; omit it for every row.'},
          columns,
        },
      },
    },
    tags: {
      type: 'object',
      description: 'LF-tags and their values.',
      additionalProperties: {...stringList, minItems: 1, maxItems: 1000},
    },
    assign: {
      type: 'array',
      description: 'Where LF-tags are attached.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['database', 'tags'],
        properties: {
          database: name,
          table: name,
          columns: {...stringList, minItems: 1},
          tags: {type: 'object', minProperties: 1, additionalProperties: {type: 'string', minLength: 1}},
        },
      },
    },
  },
} as const
