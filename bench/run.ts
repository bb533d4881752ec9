/** `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run. */
import {benchAudit} from './audit'
import {benchColdStart} from './cold-start'
import {benchGrants} from './grants'

async function main(): Promise<void> {
  const cold = benchColdStart()
  console.log(`cold start: node -e 0 ${cold.baselineMs.toFixed(0)} ms, lakegov --version ${cold.lakegovMs.toFixed(0)} ms, ratio ${cold.ratio.toFixed(2)}x (goal <= 3x: ${cold.ratio <= 3 ? 'met' : 'MISSED'})`)
  console.log('')
  console.log((await benchGrants()).join('\n'))
  console.log('')
  console.log((await benchAudit()).join('\n'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
