import {gunzipSync} from 'node:zlib'

import {GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'

/** A CloudTrail record as it is in the log file. */
export type TrailRecord = Record<string, unknown>

/**
 * A CloudTrail log file key: `[prefix/]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/NAME.json.gz`
 * (CloudTrail User Guide, "Finding your CloudTrail log files"). Digest (`CloudTrail-Digest/`) and
 * Insights (`CloudTrail-Insight/`) files do not match.
 */
export const CLOUDTRAIL_LOG_KEY = /(^|\/)AWSLogs\/(o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.json\.gz$/

interface CachedFile {
  etag: string
  records: TrailRecord[]
}

/**
 * Every CloudTrail record in the sandbox's S3, read through moto (ListBuckets, ListObjectsV2,
 * GetObject) the way CloudTrail's own event history would have them: one copy per eventID. Files are
 * cached by bucket, key and ETag; the listing is redone only after the gateway saw an S3 write
 * (invalidate()). A file that is not gzipped JSON with a Records array is skipped and logged.
 */
export class CloudTrailLogStore {
  private readonly s3: S3Client
  private readonly files = new Map<string, CachedFile>()
  private current: Promise<TrailRecord[]> | undefined

  constructor(
    motoEndpoint: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.s3 = new S3Client({region: 'us-east-1', endpoint: motoEndpoint, forcePathStyle: true, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1})
  }

  /** Forgets the listing; the next read lists again (and downloads only files whose ETag changed). */
  invalidate(): void {
    this.current = undefined
  }

  reset(): void {
    this.files.clear()
    this.current = undefined
  }

  /** Every distinct record, in no particular order. */
  records(): Promise<TrailRecord[]> {
    this.current ??= this.load().catch((error: unknown) => {
      this.current = undefined
      throw error
    })
    return this.current
  }

  private async load(): Promise<TrailRecord[]> {
    const buckets = (await this.s3.send(new ListBucketsCommand({}))).Buckets ?? []
    const objects: {bucket: string; key: string; etag: string}[] = []
    for (const bucket of buckets) {
      let token: string | undefined
      do {
        const page = await this.s3.send(new ListObjectsV2Command({Bucket: bucket.Name, ContinuationToken: token}))
        for (const object of page.Contents ?? []) if (object.Key && CLOUDTRAIL_LOG_KEY.test(object.Key)) objects.push({bucket: bucket.Name!, key: object.Key, etag: object.ETag ?? ''})
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    }
    const live = new Set(objects.map((object) => `${object.bucket}/${object.key}`))
    for (const name of [...this.files.keys()]) if (!live.has(name)) this.files.delete(name)
    const stale = objects.filter((object) => this.files.get(`${object.bucket}/${object.key}`)?.etag !== object.etag)
    let next = 0
    const worker = async () => {
      while (next < stale.length) {
        const object = stale[next++]
        const response = await this.s3.send(new GetObjectCommand({Bucket: object.bucket, Key: object.key}))
        const bytes = Buffer.from(await response.Body!.transformToByteArray())
        this.files.set(`${object.bucket}/${object.key}`, {etag: object.etag, records: this.parse(object.bucket, object.key, bytes)})
      }
    }
    await Promise.all(Array.from({length: 8}, worker))
    const byId = new Map<string, TrailRecord>()
    for (const object of objects) for (const record of this.files.get(`${object.bucket}/${object.key}`)?.records ?? []) byId.set(String(record.eventID), record)
    return [...byId.values()]
  }

  private parse(bucket: string, key: string, bytes: Buffer): TrailRecord[] {
    try {
      const document = JSON.parse(gunzipSync(bytes).toString('utf8')) as {Records?: unknown}
      if (!Array.isArray(document.Records)) throw new Error('no Records array')
      return document.Records.filter((record): record is TrailRecord => typeof record === 'object' && record !== null && typeof (record as TrailRecord).eventID === 'string')
    } catch (error) {
      this.log(`cloudtrail: skipping s3://${bucket}/${key}: ${(error as Error).message}`)
      return []
    }
  }
}
