/**
 * AWS's own published CloudTrail records, verbatim (field for field, value for value), each with the
 * page it comes from. They were copied from the AWS documentation repositories on GitHub (the
 * awsdocs/* repositories, at their last commit before archiving, which is the same text as the
 * pages on docs.aws.amazon.com). They keep their own accounts, regions and dates (2014 to 2022): the
 * generator delivers them into files under their own dates, so they are older than LookupEvents'
 * 90 days and outside a recent window, as such records would be in a real bucket.
 *
 * Not found verbatim offline: a Lake Formation GetDataAccess record, an S3 GetObject data event and an
 * AccessDenied record. aws/aws-lakeformation-best-practices (the snapshot available here, commit
 * 1da1e5f) has no content/auditing/ folder, and aws-samples/aws-lakeformation-best-practices could
 * not be fetched. Those records are built by the generator from the Lake Formation developer guide's
 * description ("Logging Lake Formation API calls using AWS CloudTrail") instead; see generator.ts.
 */

/** One published sample: where it comes from, and the record. */
export interface AwsSampleRecord {
  /** The page (and its source file) the record was copied from. */
  source: string
  /** The record, verbatim. */
  record: Record<string, unknown>
}


/** The samples, by what they show. */
export const AWS_SAMPLE_RECORDS: Record<string, AwsSampleRecord> = {
  // AWS CloudTrail User Guide, "AWS Management Console sign-in events", "IAM user, successful sign-in without MFA"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md.
  consoleLoginWithoutMfa: {
    source: "AWS CloudTrail User Guide, \"AWS Management Console sign-in events\", \"IAM user, successful sign-in without MFA\"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE",
        "arn": "arn:aws:iam::111122223333:user/anaya",
        "accountId": "111122223333",
        "userName": "anaya"
      },
      "eventTime": "2022-11-10T16:24:34Z",
      "eventSource": "signin.amazonaws.com",
      "eventName": "ConsoleLogin",
      "awsRegion": "us-east-2",
      "sourceIPAddress": "192.0.2.0",
      "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:62.0) Gecko/20100101 Firefox/62.0",
      "requestParameters": null,
      "responseElements": {
        "ConsoleLogin": "Success"
      },
      "additionalEventData": {
        "MobileVersion": "No",
        "LoginTo": "https://console.aws.amazon.com/sns",
        "MFAUsed": "No"
      },
      "eventID": "3fcfb182-98f8-4744-bd45-10a395ab61cb",
      "eventType": "AwsConsoleSignIn"
    },
  },
  // AWS CloudTrail User Guide, "AWS Management Console sign-in events", "IAM user, successful sign-in with MFA"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md.
  consoleLoginWithMfa: {
    source: "AWS CloudTrail User Guide, \"AWS Management Console sign-in events\", \"IAM user, successful sign-in with MFA\"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE",
        "arn": "arn:aws:iam::111122223333:user/anaya",
        "accountId": "111122223333",
        "userName": "anaya"
      },
      "eventTime": "2022-11-10T16:24:34Z",
      "eventSource": "signin.amazonaws.com",
      "eventName": "ConsoleLogin",
      "awsRegion": "us-east-1",
      "sourceIPAddress": "192.0.2.0",
      "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36",
      "requestParameters": null,
      "responseElements": {
        "ConsoleLogin": "Success"
      },
      "additionalEventData": {
        "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
        "MobileVersion": "No",
        "MFAIdentifier": "arn:aws:iam::111122223333:u2f/user/anaya/default-AAAAAAAABBBBBBBBCCCCCCCCDD",
        "MFAUsed": "Yes"
      },
      "eventID": "fed06f42-cb12-4764-8c69-121063dc79b9",
      "eventType": "AwsConsoleSignIn",
      "recipientAccountId": "111122223333"
    },
  },
  // AWS CloudTrail User Guide, "AWS Management Console sign-in events", "IAM user, unsuccessful sign-in"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md.
  consoleLoginFailure: {
    source: "AWS CloudTrail User Guide, \"AWS Management Console sign-in events\", \"IAM user, unsuccessful sign-in\"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-event-reference-aws-console-sign-in-events.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE",
        "accountId": "111122223333",
        "accessKeyId": "",
        "userName": "anaya"
      },
      "eventTime": "2022-11-10T16:24:34Z",
      "eventSource": "signin.amazonaws.com",
      "eventName": "ConsoleLogin",
      "awsRegion": "us-east-1",
      "sourceIPAddress": "192.0.2.0",
      "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36",
      "errorMessage": "Failed authentication",
      "requestParameters": null,
      "responseElements": {
        "ConsoleLogin": "Failure"
      },
      "additionalEventData": {
        "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
        "MobileVersion": "No",
        "MFAUsed": "Yes"
      },
      "eventID": "d38ce1b3-4575-4cb8-a632-611b8243bfc3",
      "eventType": "AwsConsoleSignIn",
      "recipientAccountId": "111122223333"
    },
  },
  // IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", "Example cross-account AWS STS API events in CloudTrail log files" (the first record, in the caller's account); awsdocs/iam-user-guide doc_source/cloudtrail-integration.md.
  assumeRoleCrossAccount: {
    source: "IAM User Guide, \"Logging IAM and AWS STS API calls with AWS CloudTrail\", \"Example cross-account AWS STS API events in CloudTrail log files\" (the first record, in the caller's account); awsdocs/iam-user-guide doc_source/cloudtrail-integration.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDAQRSTUVWXYZEXAMPLE",
        "arn": "arn:aws:iam::777788889999:user/JohnDoe",
        "accountId": "777788889999",
        "accessKeyId": "AKIAQRSTUVWXYZEXAMPLE",
        "userName": "JohnDoe"
      },
      "eventTime": "2014-07-18T15:07:39Z",
      "eventSource": "sts.amazonaws.com",
      "eventName": "AssumeRole",
      "awsRegion": "us-east-2",
      "sourceIPAddress": "192.0.2.101",
      "userAgent": "aws-cli/1.11.10 Python/2.7.8 Linux/3.2.45-0.6.wd.865.49.315.metal1.x86_64 botocore/1.4.67",
      "requestParameters": {
        "roleArn": "arn:aws:iam::111122223333:role/EC2-dev",
        "roleSessionName": "JohnDoe-EC2-dev",
        "sourceIdentity": "JohnDoe",
        "serialNumber": "arn:aws:iam::777788889999:mfa"
      },
      "responseElements": {
        "credentials": {
          "sessionToken": "<encoded session token blob>",
          "accessKeyId": "AKIAQRSTUVWXYZEXAMPLE",
          "expiration": "Jul 18, 2023, 4:07:39 PM"
        },
        "assumedRoleUser": {
          "assumedRoleId": "AIDAQRSTUVWXYZEXAMPLE:JohnDoe-EC2-dev",
          "arn": "arn:aws:sts::111122223333:assumed-role/EC2-dev/JohnDoe-EC2-dev"
        },
        "sourceIdentity": "JohnDoe"
      },
      "resources": [
        {
          "ARN": "arn:aws:iam::111122223333:role/EC2-dev",
          "accountId": "111122223333",
          "type": "AWS::IAM::Role"
        }
      ],
      "requestID": "4EXAMPLE-0e8d-11e4-96e4-e55c0EXAMPLE",
      "sharedEventID": "bEXAMPLE-efea-4a70-b951-19a88EXAMPLE",
      "eventID": "dEXAMPLE-ac7f-466c-a608-4ac8dEXAMPLE",
      "eventType": "AwsApiCall",
      "recipientAccountId": "111122223333"
    },
  },
  // Amazon Athena User Guide, "Log Amazon Athena API calls with AWS CloudTrail", "StartQueryExecution (successful)"; awsdocs/amazon-athena-user-guide doc_source/monitor-with-cloudtrail.md.
  athenaStartQueryExecution: {
    source: "Amazon Athena User Guide, \"Log Amazon Athena API calls with AWS CloudTrail\", \"StartQueryExecution (successful)\"; awsdocs/amazon-athena-user-guide doc_source/monitor-with-cloudtrail.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "EXAMPLE_PRINCIPAL_ID",
        "arn": "arn:aws:iam::123456789012:user/johndoe",
        "accountId": "123456789012",
        "accessKeyId": "EXAMPLE_KEY_ID",
        "userName": "johndoe"
      },
      "eventTime": "2017-05-04T00:23:55Z",
      "eventSource": "athena.amazonaws.com",
      "eventName": "StartQueryExecution",
      "awsRegion": "us-east-1",
      "sourceIPAddress": "77.88.999.69",
      "userAgent": "aws-internal/3",
      "requestParameters": {
        "clientRequestToken": "16bc6e70-f972-4260-b18a-db1b623cb35c",
        "resultConfiguration": {
          "outputLocation": "s3://athena-johndoe-test/test/"
        },
        "queryString": "Select 10"
      },
      "responseElements": {
        "queryExecutionId": "b621c254-74e0-48e3-9630-78ed857782f9"
      },
      "requestID": "f5039b01-305f-11e7-b146-c3fc56a7dc7a",
      "eventID": "c97cf8c8-6112-467a-8777-53bb38f83fd5",
      "eventType": "AwsApiCall",
      "recipientAccountId": "123456789012"
    },
  },
  // Amazon Athena User Guide, "Log Amazon Athena API calls with AWS CloudTrail", "StartQueryExecution (failed)"; awsdocs/amazon-athena-user-guide doc_source/monitor-with-cloudtrail.md.
  athenaStartQueryExecutionFailed: {
    source: "Amazon Athena User Guide, \"Log Amazon Athena API calls with AWS CloudTrail\", \"StartQueryExecution (failed)\"; awsdocs/amazon-athena-user-guide doc_source/monitor-with-cloudtrail.md",
    record: {
      "eventVersion": "1.05",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "EXAMPLE_PRINCIPAL_ID",
        "arn": "arn:aws:iam::123456789012:user/johndoe",
        "accountId": "123456789012",
        "accessKeyId": "EXAMPLE_KEY_ID",
        "userName": "johndoe"
      },
      "eventTime": "2017-05-04T00:21:57Z",
      "eventSource": "athena.amazonaws.com",
      "eventName": "StartQueryExecution",
      "awsRegion": "us-east-1",
      "sourceIPAddress": "77.88.999.69",
      "userAgent": "aws-internal/3",
      "errorCode": "InvalidRequestException",
      "errorMessage": "Invalid result configuration. Should specify either output location or result configuration",
      "requestParameters": {
        "clientRequestToken": "ca0e965f-d6d8-4277-8257-814a57f57446",
        "queryString": "Select 10"
      },
      "responseElements": null,
      "requestID": "aefbc057-305f-11e7-9f39-bbc56d5d161e",
      "eventID": "6e1fc69b-d076-477e-8dec-024ee51488c4",
      "eventType": "AwsApiCall",
      "recipientAccountId": "123456789012"
    },
  },
  // AWS CloudTrail User Guide, "CloudTrail log file examples", "Error code and message log example"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-log-file-examples.md.
  updateTrailNotFound: {
    source: "AWS CloudTrail User Guide, \"CloudTrail log file examples\", \"Error code and message log example\"; awsdocs/aws-cloudtrail-user-guide doc_source/cloudtrail-log-file-examples.md",
    record: {
      "eventVersion": "1.04",
      "userIdentity": {
        "type": "IAMUser",
        "principalId": "EX_PRINCIPAL_ID",
        "arn": "arn:aws:iam::123456789012:user/Alice",
        "accountId": "123456789012",
        "accessKeyId": "EXAMPLE_KEY_ID",
        "userName": "Alice"
      },
      "eventTime": "2016-07-14T19:15:45Z",
      "eventSource": "cloudtrail.amazonaws.com",
      "eventName": "UpdateTrail",
      "awsRegion": "us-east-2",
      "sourceIPAddress": "205.251.233.182",
      "userAgent": "aws-cli/1.10.32 Python/2.7.9 Windows/7 botocore/1.4.22",
      "errorCode": "TrailNotFoundException",
      "errorMessage": "Unknown trail: myTrail2 for the user: 123456789012",
      "requestParameters": {
        "name": "myTrail2"
      },
      "responseElements": null,
      "requestID": "5d40662a-49f7-11e6-97e4-d9cb6ff7d6a3",
      "eventID": "b7d4398e-b2f0-4faa-9c76-e2d316a8d67f",
      "eventType": "AwsApiCall",
      "recipientAccountId": "123456789012"
    },
  },
}
