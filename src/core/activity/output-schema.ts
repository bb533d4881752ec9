/**
 * The JSON Schemas of `lakegov activity summary --json` and `lakegov activity events --json`, a
 * contract scripts rely on: the source of truth for policies/schema/activity-*.schema.json (written
 * by `npm run schema`, kept equal by a test, and checked against real output by the e2e test).
 * Fields may be added; none is removed or changes meaning.
 */

const iso = {type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$'}

const common = {
  engine: {enum: ['lookup', 'local', 'athena'], description: 'The engine that answered.'},
  window: {
    type: 'object',
    required: ['from', 'to'],
    properties: {from: {...iso, description: 'The first second of the window (UTC).'}, to: {...iso, description: 'The first second after the window (UTC).'}},
    description: 'The half-open window [from, to).',
  },
  regions: {type: 'array', items: {type: 'string'}, description: 'The regions read.'},
  reason: {type: 'string', description: 'Why this engine answered.'},
  skipped: {
    type: 'array',
    items: {type: 'object', required: ['key', 'reason'], properties: {key: {type: 'string'}, reason: {type: 'string'}}},
    description: 'Objects skipped by the local engine: not CloudTrail log files, or corrupt.',
  },
}

export const ACTIVITY_SUMMARY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lakegov activity summary --json',
  type: 'object',
  required: ['engine', 'window', 'rows'],
  properties: {
    ...common,
    by: {enum: ['service', 'event', 'principal', 'region', 'day', 'hour', 'ip', 'error', 'useragent'], description: 'What the rows are grouped by.'},
    total: {type: 'integer', minimum: 0, description: 'Distinct events (by eventID) over every group, not only the rows shown.'},
    rows: {
      type: 'array',
      description: 'The largest groups first (ties by key), at most --top.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'count', 'share', 'firstSeen', 'lastSeen'],
        properties: {
          key: {type: 'string', description: 'The principal\'s role or user ARN, the full event source (iam.amazonaws.com), the region, the day (yyyy-MM-dd), the hour (yyyy-MM-ddTHH)...; "" when the events lack the field.'},
          count: {type: 'integer', minimum: 1, description: 'Distinct events (by eventID) in the group.'},
          share: {type: 'number', minimum: 0, maximum: 1, description: 'count / total, rounded to 4 decimals.'},
          firstSeen: {...iso, description: 'The earliest eventTime in the group.'},
          lastSeen: {...iso, description: 'The latest eventTime in the group.'},
        },
      },
    },
  },
}

export const ACTIVITY_EVENTS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lakegov activity events --json',
  type: 'object',
  required: ['engine', 'window', 'events'],
  properties: {
    ...common,
    events: {
      type: 'array',
      description: 'The matching events, newest first (ties by eventID, descending), each eventID once: the CloudTrail record, with the fields the CloudTrail table holds, under CloudTrail\'s names.',
      items: {
        type: 'object',
        required: ['eventTime', 'eventID'],
        properties: {
          eventTime: iso,
          eventID: {type: 'string'},
          eventSource: {type: 'string'},
          eventName: {type: 'string'},
          awsRegion: {type: 'string'},
          userIdentity: {type: 'object'},
          readOnly: {type: 'boolean'},
          requestParameters: {},
          responseElements: {},
        },
      },
    },
  },
}

export const ACTIVITY_READS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lakegov activity reads --json',
  type: 'object',
  required: ['engine', 'window', 'rows'],
  properties: {
    ...common,
    events: {
      type: 'array',
      description: 'With --events: the granted reads one by one, direct reads first, then newest first.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['time', 'eventId', 'principal', 'table', 'engine', 'path', 'sourceIp', 'key', 'query', 'expected'],
        properties: {
          time: iso,
          eventId: {type: 'string', description: 'The GetDataAccess (lake-formation) or GetObject (direct-s3) eventID.'},
          principal: {type: 'string'},
          table: {type: ['string', 'null']},
          engine: {enum: ['athena', 'glue', 'redshift', 'emr-serverless', 's3', 'other']},
          path: {enum: ['lake-formation', 'direct-s3']},
          sourceIp: {type: 'string'},
          key: {type: ['string', 'null'], description: 'The object key of a direct read.'},
          query: {
            type: ['object', 'null'],
            description: 'The Athena query behind the read, when its StartQueryExecution is in the window and GetDataAccess names its id.',
            properties: {queryExecutionId: {type: 'string'}, queryString: {type: 'string'}, workGroup: {type: 'string'}},
            required: ['queryExecutionId'],
          },
          expected: {type: ['string', 'null']},
        },
      },
    },
    banner: {type: ['string', 'null'], description: 'Why direct reads may be invisible (the lookup engine, or no S3 data events in the window); null otherwise.'},
    rows: {
      type: 'array',
      description: 'One row per principal, table, engine and path; direct-s3 rows first, then by principal, table and engine.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['principal', 'table', 'engine', 'path', 'count', 'firstRead', 'lastRead', 'sourceIps', 'expected'],
        properties: {
          principal: {type: 'string', description: 'The role or user ARN (a role session is reported as its role).'},
          table: {type: ['string', 'null'], description: 'database.table, lowercase; null for a direct read of an object under no table\'s location.'},
          engine: {enum: ['athena', 'glue', 'redshift', 'emr-serverless', 's3', 'other'], description: 'The engine that read.'},
          path: {enum: ['lake-formation', 'direct-s3'], description: 'Through Lake Formation (GetDataAccess), or straight from S3 past it.'},
          count: {type: 'integer', minimum: 1, description: 'GetDataAccess calls (lake-formation) or GetObject calls (direct-s3).'},
          firstRead: {...iso, description: 'The first read\'s eventTime.'},
          lastRead: {...iso, description: 'The last read\'s eventTime.'},
          sourceIps: {type: 'array', items: {type: 'string'}, description: 'Distinct source IPs or service names, sorted.'},
          expected: {type: ['string', 'null'], description: 'Why the principal is meant to read (registration-role, crawler-role), or null.'},
        },
      },
    },
  },
}
