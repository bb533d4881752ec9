/**
 * The `cis` set: the fourteen filters AWS Security Hub checks in controls CloudWatch.1 to
 * CloudWatch.14, each pattern byte for byte as AWS's Security Hub user guide prints it ("Amazon
 * CloudWatch controls", https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html).
 * Security Hub passes a control only when the filter pattern is exactly this text ("Additional
 * fields or terms cannot be added"), so these strings must never be reformatted: a unit test
 * compares them with test/fixtures/alarms/security-hub-cloudwatch-controls.tsv.
 */

/** One Security Hub CloudWatch control. */
export interface CisControl {
  /** The Security Hub control id, CloudWatch.1 to CloudWatch.14. */
  id: string
  /** What the alarm watches, after Security Hub's title "A log metric filter and alarm should exist for ...". */
  title: string
  /** The filter pattern, exactly as Security Hub requires it. */
  pattern: string
}

/** Security Hub: the metric filter publishes to namespace LogMetrics with metric value 1. */
export const CIS_METRIC = {namespace: 'LogMetrics', value: '1'} as const

/**
 * Security Hub: the alarm fires at >= 1 over one period. The period is the one AWS's CloudTrail
 * guide uses, 300 s. (That guide uses a threshold of 3 for console sign-in failures; Security Hub
 * checks only that an alarm exists, and lakegov keeps 1 for every control.)
 */
export const CIS_ALARM = {threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', period: 300, evaluationPeriods: 1} as const

export const CIS_CONTROLS: readonly CisControl[] = [
  {id: "CloudWatch.1", title: "usage of the root user", pattern: "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"},
  {id: "CloudWatch.2", title: "unauthorized API calls", pattern: "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"},
  {id: "CloudWatch.3", title: "Management Console sign-in without MFA", pattern: "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"},
  {id: "CloudWatch.4", title: "IAM policy changes", pattern: "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"},
  {id: "CloudWatch.5", title: "CloudTrail configuration changes", pattern: "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"},
  {id: "CloudWatch.6", title: "AWS Management Console authentication failures", pattern: "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"},
  {id: "CloudWatch.7", title: "disabling or scheduled deletion of customer managed keys", pattern: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"},
  {id: "CloudWatch.8", title: "S3 bucket policy changes", pattern: "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"},
  {id: "CloudWatch.9", title: "AWS Config configuration changes", pattern: "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"},
  {id: "CloudWatch.10", title: "security group changes", pattern: "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"},
  {id: "CloudWatch.11", title: "network access control list (NACL) changes", pattern: "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"},
  {id: "CloudWatch.12", title: "changes to network gateways", pattern: "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"},
  {id: "CloudWatch.13", title: "route table changes", pattern: "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"},
  {id: "CloudWatch.14", title: "VPC changes", pattern: "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"},
]
