/** `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run. */
import {benchAudit} from './audit'
import {benchColdStart, renderColdStart} from './cold-start'
import {benchGrants} from './grants'
import {benchReportSize} from './report-size'

async function main(): Promise<void> {
  console.log(renderColdStart(benchColdStart()).join('\n'))
  console.log('')
  console.log((await benchGrants()).join('\n'))
  console.log('')
  console.log((await benchAudit()).join('\n'))
  console.log('')
  console.log((await benchReportSize()).join('\n'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
