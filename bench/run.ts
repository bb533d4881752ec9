/** `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run. */
import {benchColdStart} from './cold-start'

function main(): void {
  const cold = benchColdStart()
  console.log('benchmark         baseline            lakegov             ratio   goal')
  console.log(
    `cold start        node -e 0 ${cold.baselineMs.toFixed(0).padStart(4)} ms   --version ${cold.lakegovMs.toFixed(0).padStart(4)} ms   ${cold.ratio.toFixed(2).padStart(5)}x  <= 3x ${cold.ratio <= 3 ? 'met' : 'MISSED'}`,
  )
}

main()
