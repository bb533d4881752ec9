import {GetObjectCommand, ListObjectsV2Command} from '@aws-sdk/client-s3'

import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

/** An object of a listing. */
export interface ListedObject {
  /** The key. */
  key: string
  /** The size in bytes. */
  size: number
  /** The ETag, as S3 returns it (quoted). */
  etag: string
}

/** Lists and reads the log objects the activity engines use. */
export class S3ObjectsAdapter {
  private readonly endpoint: string | undefined
  /** S3 calls made, for progress and the benchmark's call count. */
  calls = 0

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 's3')
  }

  /** The "folders" right under a prefix (ListObjectsV2 with Delimiter '/'), without the prefix and slash. */
  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const names: string[] = []
    let token: string | undefined
    do {
      this.calls += 1
      const page = await callAws('s3:ListBucket', () => this.clients.s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token})), this.endpoint)
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) names.push(common.Prefix.slice(prefix.length).replace(/\/$/, ''))
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return names.sort()
  }

  /** Every object under a prefix. */
  async listObjects(bucket: string, prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = []
    let token: string | undefined
    do {
      this.calls += 1
      const page = await callAws('s3:ListBucket', () => this.clients.s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken: token})), this.endpoint)
      for (const object of page.Contents ?? []) if (object.Key) objects.push({key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? ''})
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return objects
  }

  /** An object's bytes. */
  async getObject(bucket: string, key: string): Promise<Uint8Array> {
    this.calls += 1
    return callAws(
      's3:GetObject',
      async () => {
        const out = await this.clients.s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
        return out.Body ? out.Body.transformToByteArray() : new Uint8Array()
      },
      this.endpoint,
    )
  }
}
