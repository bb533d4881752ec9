import {mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'

import {PutObjectCommand, type S3Client} from '@aws-sdk/client-s3'

import type {GeneratedLogFile} from './cloudtrail/generator'

export {byTimeThenId, cloudTrailFileCount, cloudTrailFiles, generateCloudTrail, isManagementEvent} from './cloudtrail/generator'
export type {CloudTrailGeneratorOptions, CloudTrailRecord, GeneratedCloudTrail, GeneratedLogFile} from './cloudtrail/generator'
export {AWS_SAMPLE_RECORDS} from './cloudtrail/aws-samples'

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

/** Where and how to upload a generated set. */
export interface UploadGeneratedOptions {
  /** The bucket, which must exist. */
  bucket: string
  /** The trail's S3KeyPrefix; `AWSLogs/...` goes right after it. Empty for the bucket root. */
  prefix?: string
  /** PutObject calls in flight at once; 8 when absent. */
  concurrency?: number
  /** Called after each object, with the count so far (for progress on large sets). */
  onProgress?: (uploaded: number) => void
}

/**
 * Uploads generated CloudTrail files (generateCloudTrail(...).files, or cloudTrailFiles(...) for a set
 * too large to hold) as a trail writes them: gzip objects with a JSON content type, no
 * Content-Encoding. Resolves with the keys written, in upload order.
 */
export async function uploadGeneratedCloudTrail(s3: S3Client, files: Iterable<GeneratedLogFile>, options: UploadGeneratedOptions): Promise<string[]> {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
  const iterator = files[Symbol.iterator]()
  const keys: string[] = []
  let uploaded = 0
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const file = next.value
      const key = prefix === '' ? file.key : `${prefix}/${file.key}`
      keys.push(key)
      await s3.send(new PutObjectCommand({Bucket: options.bucket, Key: key, Body: file.body(), ContentType: 'application/json'}))
      uploaded += 1
      options.onProgress?.(uploaded)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, options.concurrency ?? 8)}, worker))
  return keys
}

/**
 * Writes generated CloudTrail files under a local folder, in their S3 layout (DIR/AWSLogs/...), for
 * baselines that read logs from disk (DuckDB over local files, zcat | jq). Streams: pass
 * cloudTrailFiles(...) for large sets. Resolves with the number of files and bytes written.
 */
export function writeGeneratedCloudTrail(directory: string, files: Iterable<GeneratedLogFile>): {files: number; bytes: number} {
  let count = 0
  let bytes = 0
  for (const file of files) {
    const path = join(directory, ...file.key.split('/'))
    mkdirSync(dirname(path), {recursive: true})
    const body = file.body()
    writeFileSync(path, body)
    count += 1
    bytes += body.length
  }
  return {files: count, bytes}
}
