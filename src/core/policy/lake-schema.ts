import {OUTPUT_LOCATION_PATTERN, WORKGROUP_PATTERN} from '../activity/athena-settings'

/**
 * The JSON Schema of policies/lake.yaml, the source of truth for policies/schema/lake.schema.json
 * (written by `npm run schema`, kept equal by a test).
 */

const iamPrincipal = {
  type: 'string',
  pattern: '^arn:aws[a-z-]*:iam::\\d{12}:(role|user)/.+$',
  description: 'An IAM role or user ARN, for example arn:aws:iam::111122223333:role/LakeAdmin.',
}
const principalList = {type: 'array', items: iamPrincipal, uniqueItems: true}

export const LAKE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'lakegov lake file',
  description: 'The CloudTrail log lake that lakegov bootstrap builds and lakegov status checks.',
  type: 'object',
  additionalProperties: false,
  required: ['region', 'bucket', 'registration', 'database'],
  properties: {
    region: {type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$', description: 'An AWS region, for example us-east-1.'},
    admins: {...principalList, description: 'Data lake administrators, added to the existing ones (all of them with --exact-admins).'},
    readOnlyAdmins: {...principalList, description: 'Read-only administrators, added to the existing ones.'},
    bucket: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
          description: 'An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens.',
        },
        prefix: {type: 'string', pattern: '^([^/].*/)?$', description: 'The log prefix: empty, or ending in "/" with no leading "/" (default AWSLogs/).'},
        encryption: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: {type: 'string', enum: ['AES256', 'aws:kms']},
            kmsKeyArn: {
              type: 'string',
              pattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/.+|alias/.+)$',
              description: 'A KMS key ARN, an alias ARN, or alias/NAME.',
            },
          },
        },
        retentionDays: {type: 'integer', minimum: 1, description: 'Expire log objects after this many days.'},
      },
    },
    registration: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        role: {type: 'string', pattern: '^[\\w+=,.@-]{1,64}$', description: 'The name of the registration role lakegov creates and keeps least-privilege.'},
        useServiceLinkedRole: {type: 'boolean', description: 'Register with the Lake Formation service-linked role instead.'},
        sourceIdentity: {
          type: 'boolean',
          description: 'true: set the data lake parameter SET_SOURCE_IDENTITY and allow sts:SetSourceIdentity in the role\'s trust policy, so that S3 events of Lake Formation reads carry a source identity (needs role). false: set it to FALSE.',
        },
      },
    },
    database: {type: 'string', pattern: '^[a-z0-9_]{1,255}$', description: 'The Glue database: lowercase letters, digits and underscores.'},
    crawler: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {type: 'string', pattern: '^[\\w.-]{1,255}$', description: 'The Glue crawler name.'},
        role: {type: 'string', pattern: '^[\\w+=,.@-]{1,64}$', description: 'The crawler role lakegov creates (default lakegov-crawler).'},
        schedule: {type: 'string', pattern: '^cron\\(.+\\)$', description: 'A Glue cron schedule, for example cron(0 2 * * ? *).'},
      },
    },
    trail: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$', description: '3 to 128 letters, digits, dots, underscores and hyphens.'},
        multiRegion: {type: 'boolean', description: 'Log every region (default true).'},
        logFileValidation: {type: 'boolean', description: 'Write digest files (default true).'},
        cloudWatchLogGroup: {type: 'string', pattern: '^[\\w/.#-]{1,512}$', description: 'Also deliver to this CloudWatch Logs log group.'},
        cloudWatchRole: {type: 'string', pattern: '^[\\w+=,.@-]{1,64}$', description: 'The role CloudTrail uses to write to the log group (default lakegov-cloudtrail-logs).'},
        dataEvents: {
          type: 'object',
          additionalProperties: false,
          properties: {
            logReads: {
              type: 'boolean',
              description: 'true: log S3 read data events on the log prefix (advanced event selector lakegov-log-reads; billed as data events), so that activity reads sees direct reads. false: remove that selector.',
            },
          },
        },
      },
    },
    table: {
      type: 'object',
      additionalProperties: false,
      description: 'The CloudTrail table lakegov table makes for Athena. Its flags override these fields for one run only.',
      properties: {
        name: {type: 'string', pattern: '^[a-z0-9_]{1,255}$', description: 'The table name: lowercase letters, digits and underscores (default cloudtrail_logs).'},
        start: {type: 'string', pattern: '^\\d{4}/\\d{2}/\\d{2}$', description: 'The first day the projection covers, yyyy/MM/dd, up to today (default 2020/01/01).'},
        regions: {
          description: 'The regions whose logs the table reads, or "all" for every commercial region (default: region).',
          anyOf: [
            {type: 'string', enum: ['all']},
            {type: 'array', minItems: 1, uniqueItems: true, items: {type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$', description: 'An AWS region, for example eu-west-1.'}},
          ],
        },
        accounts: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          description: "The accounts whose logs the table reads (default: the caller's account).",
          items: {type: 'string', pattern: '^\\d{12}$', description: 'A 12-digit account id, quoted: "111122223333".'},
        },
        organizationId: {type: 'string', pattern: '^o-[a-z0-9]{10,32}$', description: 'For an organization trail: the organization id, o- and 10 to 32 lowercase letters or digits.'},
      },
    },
    athena: {
      type: 'object',
      additionalProperties: false,
      description: 'Where lakegov activity --engine athena runs its queries; --workgroup and --output-location (or LAKEGOV_ATHENA_WORKGROUP and LAKEGOV_ATHENA_OUTPUT_LOCATION) win over these.',
      properties: {
        workgroup: {type: 'string', pattern: WORKGROUP_PATTERN, description: 'The Athena workgroup (default primary).'},
        outputLocation: {type: 'string', pattern: OUTPUT_LOCATION_PATTERN, description: 'The s3:// location for query results, unless the workgroup sets one.'},
      },
    },
    alarms: {
      type: 'object',
      additionalProperties: false,
      description: 'CloudWatch metric filters and alarms on the trail\'s log group. bootstrap creates them (with the SNS topic and subscriptions); lakegov alarms test checks the patterns offline.',
      properties: {
        topic: {
          type: 'string',
          pattern: '^([A-Za-z0-9_-]{1,256}|arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256})$',
          description: 'The SNS topic the alarms notify: a topic name (letters, digits, "_" and "-", up to 256) or a topic ARN.',
        },
        email: {type: 'array', uniqueItems: true, items: {type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'}, description: 'Email addresses subscribed to the topic; each owner must confirm.'},
        sets: {
          type: 'array',
          uniqueItems: true,
          items: {type: 'string', enum: ['cis', 'lake']},
          description: 'Built-in filters: cis (Security Hub CloudWatch.1 to CloudWatch.14) and lake (lakegov\'s filters for the log lake). Both when omitted.',
        },
        volume: {
          type: 'object',
          additionalProperties: false,
          required: ['anomalyBand'],
          properties: {anomalyBand: {type: 'number', exclusiveMinimum: 0, description: 'The width of the ANOMALY_DETECTION_BAND, in standard deviations.'}},
        },
        custom: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'pattern'],
            properties: {
              name: {type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$', description: 'The alarm name: letters, digits, ".", "_" and "-", up to 128.'},
              pattern: {type: 'string', description: 'A CloudWatch Logs JSON filter pattern, { ... }, up to 1,024 characters.'},
              threshold: {type: 'number', minimum: 1, description: 'The alarm fires when the count over one period is at least this (default 1).'},
              period: {type: 'integer', minimum: 60, multipleOf: 60, description: 'The period in seconds, a multiple of 60 (default 300).'},
            },
          },
        },
      },
    },
  },
} as const
