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
  console.log('')
  // The activity engines at the scale measured in the README (about 45 s here); set
  // BENCH_ACTIVITY_EVENTS and BENCH_ACTIVITY_OBJECTS for the 1,000,000 events.
  process.env.BENCH_ACTIVITY_EVENTS ??= '30000'
  process.env.BENCH_ACTIVITY_OBJECTS ??= '120'
  const {benchActivity} = await import('./activity')
  console.log((await benchActivity()).join('\n'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
