import {BaseCommand} from '../../base-command'
import {describeExitCodes} from '../../core/exit-codes'
import {clearActivityCache} from '../../workflows/activity'

export default class ActivityClearCache extends BaseCommand<typeof ActivityClearCache> {
  static summary = 'Empty the local cache of CloudTrail objects the local engine downloaded.'

  static description = `The cache lives in $XDG_CACHE_HOME/lakegov, else ~/.cache/lakegov. It is keyed by bucket, object key and ETag, so it never serves a changed object, and it is bounded by --cache-max on each run; this command empties it.

${describeExitCodes()}`

  async run(): Promise<{root: string; files: number; bytes: number}> {
    const cleared = await clearActivityCache()
    if (!this.jsonEnabled()) this.log(`Removed ${cleared.files} file(s), ${cleared.bytes} bytes, from ${cleared.root}.`)
    return cleared
  }
}
