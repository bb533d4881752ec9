import {CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand, type StateValue} from '@aws-sdk/client-cloudwatch'

import type {CannedResponse} from '../fault-responses'
import {type AlarmsCall, PerRegion, callMoto, jsonAnswer, jsonBody, jsonError} from './shared'

const OPERATIONS = new Set(['PutMetricAlarm', 'PutAnomalyDetector', 'DescribeAnomalyDetectors', 'DeleteAnomalyDetector'])

/** CloudWatch API reference, PutMetricAlarm, ComparisonOperator: these "are used only for alarms based on anomaly detection models". */
const BAND_OPERATORS = new Set(['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'])

interface Dimension {
  Name?: string
  Value?: string
}

interface Detector {
  Namespace: string
  MetricName: string
  Dimensions: Dimension[]
  Stat: string
  Configuration?: unknown
}

// The JSON shape names and their awsQuery codes are the CloudWatch model's (botocore monitoring/2010-08-01, awsQueryError).
const validation = (message: string) => jsonError('1.0', 400, 'ValidationException', message, 'ValidationError')
const invalidValue = (message: string) => jsonError('1.0', 400, 'InvalidParameterValueException', message, 'InvalidParameterValue')

function detectorKey(detector: Pick<Detector, 'Namespace' | 'MetricName' | 'Dimensions' | 'Stat'>): string {
  const dimensions = [...detector.Dimensions].sort((a, b) => ((a.Name ?? '') < (b.Name ?? '') ? -1 : 1)).map((dimension) => [dimension.Name, dimension.Value])
  return JSON.stringify([detector.Namespace, detector.MetricName, dimensions, detector.Stat])
}

/** The single-metric detector a PutAnomalyDetector or DeleteAnomalyDetector names, from SingleMetricAnomalyDetector or the deprecated top-level fields. */
function detectorOf(input: Record<string, unknown>): Detector | string {
  if (input.MetricMathAnomalyDetector !== undefined) return 'The lakegov sandbox models only single-metric anomaly detectors.'
  const single = (input.SingleMetricAnomalyDetector ?? input) as Record<string, unknown>
  const {Namespace, MetricName, Stat} = single
  if (typeof Namespace !== 'string' || typeof MetricName !== 'string' || typeof Stat !== 'string') return 'Namespace, MetricName and Stat are required for a single-metric anomaly detector.'
  return {Namespace, MetricName, Stat, Dimensions: Array.isArray(single.Dimensions) ? (single.Dimensions as Dimension[]) : [], ...(input.Configuration ? {Configuration: input.Configuration} : {})}
}

/**
 * What CloudWatch does and moto 5.2.1 gets wrong:
 * - PutMetricAlarm (API reference): "When this operation creates an alarm, the alarm state is
 *   immediately set to INSUFFICIENT_DATA ... When you update an existing alarm, its state is left
 *   unchanged". moto starts every alarm, new or updated, in OK; the sandbox sets the state after.
 * - An alarm on an anomaly detection model (PutMetricAlarm, ThresholdMetricId: "make this value match
 *   the ID of the ANOMALY_DETECTION_BAND function"; ComparisonOperator: the three band operators are
 *   "used only for alarms based on anomaly detection models") is checked for exactly that pairing.
 *   Whether AWS accepts a Threshold beside ThresholdMetricId is undocumented; the stricter reading
 *   refuses it.
 * - PutAnomalyDetector, DescribeAnomalyDetectors and DeleteAnomalyDetector are not implemented by
 *   moto (HTTP 500, which the SDK retries). The sandbox keeps single-metric detectors per region:
 *   Put creates or replaces (API reference, PutAnomalyDetector), Describe filters by Namespace,
 *   MetricName and Dimensions and reports a new model as PENDING_TRAINING (AnomalyDetector,
 *   StateValue), Delete of an unknown detector is ResourceNotFoundException.
 */
export class CloudWatchAlarms {
  private readonly cloudwatch: PerRegion<CloudWatchClient>
  private readonly detectors = new Map<string, Map<string, Detector>>()

  constructor(private readonly motoEndpoint: string) {
    this.cloudwatch = new PerRegion((config) => new CloudWatchClient(config), motoEndpoint)
  }

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  async handle(call: AlarmsCall): Promise<CannedResponse> {
    const input = jsonBody(call.body)
    if (call.operation === 'PutMetricAlarm') return this.putMetricAlarm(call, input)
    const detectors = this.detectors.get(call.region) ?? new Map<string, Detector>()
    this.detectors.set(call.region, detectors)
    if (call.operation === 'DescribeAnomalyDetectors') return jsonAnswer('1.0', {AnomalyDetectors: describeDetectors(detectors, input)})
    const detector = detectorOf(input)
    if (typeof detector === 'string') return invalidValue(detector)
    if (call.operation === 'PutAnomalyDetector') {
      detectors.set(detectorKey(detector), detector)
      return jsonAnswer('1.0', {})
    }
    if (!detectors.delete(detectorKey(detector))) return jsonError('1.0', 404, 'ResourceNotFoundException', 'This anomaly detection model does not exist.', 'ResourceNotFoundException')
    return jsonAnswer('1.0', {})
  }

  private async putMetricAlarm(call: AlarmsCall, input: Record<string, unknown>): Promise<CannedResponse> {
    const refused = checkBandAlarm(input)
    if (refused) return refused
    const name = typeof input.AlarmName === 'string' ? input.AlarmName : undefined
    if (!name) return callMoto(this.motoEndpoint, call)
    const client = this.cloudwatch.get(call.region)
    const before = (await client.send(new DescribeAlarmsCommand({AlarmNames: [name]}))).MetricAlarms?.find((alarm) => alarm.AlarmName === name)
    const answer = await callMoto(this.motoEndpoint, call)
    if (answer.status !== 200) return answer
    const state = before
      ? {StateValue: (before.StateValue ?? 'INSUFFICIENT_DATA') as StateValue, StateReason: before.StateReason ?? 'Unchanged by the update'}
      : {StateValue: 'INSUFFICIENT_DATA' as StateValue, StateReason: 'Unchecked: Initial alarm creation'}
    await client.send(new SetAlarmStateCommand({AlarmName: name, ...state}))
    return answer
  }

  reset(): void {
    this.detectors.clear()
  }

  close(): void {
    this.cloudwatch.close()
  }
}

function checkBandAlarm(input: Record<string, unknown>): CannedResponse | undefined {
  const thresholdId = input.ThresholdMetricId
  const operator = typeof input.ComparisonOperator === 'string' ? input.ComparisonOperator : ''
  if (thresholdId === undefined) {
    return BAND_OPERATORS.has(operator) ? validation(`Comparison operator ${operator} is only valid for alarms based on anomaly detection models (ThresholdMetricId).`) : undefined
  }
  if (input.Threshold !== undefined) return validation('Threshold and ThresholdMetricId cannot both be specified.')
  if (!BAND_OPERATORS.has(operator)) return validation(`Comparison operator ${operator || '(none)'} cannot be used with ThresholdMetricId.`)
  const metrics = Array.isArray(input.Metrics) ? (input.Metrics as {Id?: string; Expression?: string}[]) : []
  const band = metrics.find((metric) => metric.Id === thresholdId)
  if (!band || !/^\s*ANOMALY_DETECTION_BAND\s*\(/.test(band.Expression ?? '')) return validation(`ThresholdMetricId ${String(thresholdId)} must name an ANOMALY_DETECTION_BAND expression in Metrics.`)
  return undefined
}

function describeDetectors(detectors: Map<string, Detector>, input: Record<string, unknown>): unknown[] {
  const wanted = Array.isArray(input.Dimensions) ? detectorKey({Namespace: '', MetricName: '', Stat: '', Dimensions: input.Dimensions as Dimension[]}) : undefined
  return [...detectors.values()]
    .filter((detector) => input.Namespace === undefined || detector.Namespace === input.Namespace)
    .filter((detector) => input.MetricName === undefined || detector.MetricName === input.MetricName)
    .filter((detector) => wanted === undefined || detectorKey({...detector, Namespace: '', MetricName: '', Stat: ''}) === wanted)
    .map((detector) => ({
      ...detector,
      StateValue: 'PENDING_TRAINING',
      SingleMetricAnomalyDetector: {Namespace: detector.Namespace, MetricName: detector.MetricName, Dimensions: detector.Dimensions, Stat: detector.Stat},
    }))
}
