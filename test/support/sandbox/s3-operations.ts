import type {IncomingHttpHeaders} from 'node:http'

type Verbs = Partial<Record<'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD', string>>

/** Bucket subresources: the query key that selects them, and the operation per method. */
const BUCKET_SUBRESOURCES: Record<string, Verbs> = {
  accelerate: {GET: 'GetBucketAccelerateConfiguration', PUT: 'PutBucketAccelerateConfiguration'},
  acl: {GET: 'GetBucketAcl', PUT: 'PutBucketAcl'},
  analytics: {GET: 'GetBucketAnalyticsConfiguration', PUT: 'PutBucketAnalyticsConfiguration', DELETE: 'DeleteBucketAnalyticsConfiguration'},
  cors: {GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors'},
  delete: {POST: 'DeleteObjects'},
  encryption: {GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption'},
  inventory: {GET: 'GetBucketInventoryConfiguration', PUT: 'PutBucketInventoryConfiguration', DELETE: 'DeleteBucketInventoryConfiguration'},
  lifecycle: {GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle'},
  location: {GET: 'GetBucketLocation'},
  logging: {GET: 'GetBucketLogging', PUT: 'PutBucketLogging'},
  metrics: {GET: 'GetBucketMetricsConfiguration', PUT: 'PutBucketMetricsConfiguration', DELETE: 'DeleteBucketMetricsConfiguration'},
  notification: {GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration'},
  'object-lock': {GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration'},
  ownershipControls: {GET: 'GetBucketOwnershipControls', PUT: 'PutBucketOwnershipControls', DELETE: 'DeleteBucketOwnershipControls'},
  policy: {GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy'},
  policyStatus: {GET: 'GetBucketPolicyStatus'},
  publicAccessBlock: {GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock'},
  replication: {GET: 'GetBucketReplication', PUT: 'PutBucketReplication', DELETE: 'DeleteBucketReplication'},
  requestPayment: {GET: 'GetBucketRequestPayment', PUT: 'PutBucketRequestPayment'},
  tagging: {GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging'},
  uploads: {GET: 'ListMultipartUploads'},
  versioning: {GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning'},
  versions: {GET: 'ListObjectVersions'},
  website: {GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite'},
}

const OBJECT_SUBRESOURCES: Record<string, Verbs> = {
  acl: {GET: 'GetObjectAcl', PUT: 'PutObjectAcl'},
  attributes: {GET: 'GetObjectAttributes'},
  'legal-hold': {GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold'},
  restore: {POST: 'RestoreObject'},
  retention: {GET: 'GetObjectRetention', PUT: 'PutObjectRetention'},
  tagging: {GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging'},
  uploads: {POST: 'CreateMultipartUpload'},
  uploadId: {GET: 'ListParts', PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload'},
}

const BUCKET: Verbs = {PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket', GET: 'ListObjects'}
const OBJECT: Verbs = {PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject'}

/** The subresource operation, `METHOD kind?key` for a known subresource without that method, or undefined for none. */
function pick(table: Record<string, Verbs>, query: URLSearchParams, method: keyof Verbs, kind: string): string | undefined {
  const key = Object.keys(table).find((name) => query.has(name))
  if (key === undefined) return undefined
  return table[key][method] ?? `${method} ${kind}?${key}`
}

/**
 * A best-effort S3 operation name for a path-style request. The SDK names most calls itself in the
 * `x-id` query parameter; the rest follow from the method, the path depth and the subresource.
 */
export function s3OperationOf(method: string, url: URL, headers: IncomingHttpHeaders): string {
  const xId = url.searchParams.get('x-id')
  if (xId) return xId
  const verb = method.toUpperCase() as keyof Verbs
  const [bucket, ...key] = url.pathname.replace(/^\/+/, '').split('/')
  const query = url.searchParams
  if (!bucket) return verb === 'GET' ? 'ListBuckets' : `${verb} service`
  if (key.length === 0 || (key.length === 1 && key[0] === '')) {
    if (verb === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2'
    return pick(BUCKET_SUBRESOURCES, query, verb, 'bucket') ?? BUCKET[verb] ?? `${verb} bucket`
  }
  if (verb === 'PUT' && headers['x-amz-copy-source']) return query.has('uploadId') ? 'UploadPartCopy' : 'CopyObject'
  return pick(OBJECT_SUBRESOURCES, query, verb, 'object') ?? OBJECT[verb] ?? `${verb} object`
}
