import {readFileSync, readdirSync} from 'node:fs'
import {join, relative, sep} from 'node:path'

import {PutObjectCommand, type S3Client} from '@aws-sdk/client-s3'

/** Where the CloudTrail fixtures live (see test/fixtures/cloudtrail/README.md). */
export const CLOUDTRAIL_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'cloudtrail')

/** Where to put the fixtures. */
export interface UploadCloudTrailFixturesOptions {
  /** The bucket, which must exist. */
  bucket: string
  /** The key prefix CloudTrail writes under (the trail's S3KeyPrefix); `AWSLogs/...` goes right after it. Empty for the bucket root. */
  prefix?: string
  /** Also upload the CloudTrail-Digest file; true by default, as a real trail writes digests next to logs. */
  includeDigest?: boolean
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, {withFileTypes: true})
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(directory, entry.name)) : [join(directory, entry.name)]))
    .sort()
}

/** The fixture files' keys relative to the prefix (`AWSLogs/123456789012/CloudTrail/...`), sorted. */
export function cloudTrailFixtureKeys(includeDigest = true): string[] {
  return filesUnder(join(CLOUDTRAIL_FIXTURES_DIR, 'AWSLogs'))
    .filter((file) => file.endsWith('.json.gz'))
    .map((file) => relative(CLOUDTRAIL_FIXTURES_DIR, file).split(sep).join('/'))
    .filter((key) => includeDigest || !key.includes('/CloudTrail-Digest/'))
}

/**
 * Uploads the CloudTrail fixtures the way a trail lays them out: `PREFIX/AWSLogs/ACCOUNT/CloudTrail/
 * REGION/YYYY/MM/DD/file.json.gz`. Resolves with the keys written, sorted.
 */
export async function uploadCloudTrailFixtures(s3: S3Client, options: UploadCloudTrailFixturesOptions): Promise<string[]> {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
  const keys: string[] = []
  for (const relativeKey of cloudTrailFixtureKeys(options.includeDigest ?? true)) {
    const key = prefix === '' ? relativeKey : `${prefix}/${relativeKey}`
    // CloudTrail stores its logs as gzip objects with a JSON content type, not with Content-Encoding.
    await s3.send(new PutObjectCommand({Bucket: options.bucket, Key: key, Body: readFileSync(join(CLOUDTRAIL_FIXTURES_DIR, ...relativeKey.split('/'))), ContentType: 'application/json'}))
    keys.push(key)
  }
  return keys
}
