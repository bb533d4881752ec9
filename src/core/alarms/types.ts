import type {SourceRef} from '../policy/source-map'

/** The built-in sets of filters lake.yaml can ask for. */
export type AlarmSet = 'cis' | 'lake'

/** The built-in sets, in the order lakegov lists them. */
export const ALARM_SETS: readonly AlarmSet[] = ['cis', 'lake']

/** A filter and alarm the user writes in lake.yaml. */
export interface CustomAlarm {
  /** The alarm's name, unique among the alarms. */
  name: string
  /** The filter pattern, checked offline when lake.yaml is read. */
  pattern: string
  /** The alarm fires when the count over one period is at least this. */
  threshold: number
  /** The period in seconds. */
  period: number
  /** Where the pattern is declared, for messages. */
  source: SourceRef
}

/** The optional `alarms:` section of lake.yaml, which bootstrap's alarms step carries out. */
export interface AlarmsConfig {
  /** An SNS topic name or ARN the alarms notify. */
  topic?: string
  /** Email addresses to subscribe to the topic. */
  email: string[]
  /** The built-in sets; both when lake.yaml does not say. */
  sets: AlarmSet[]
  /** An anomaly-detection alarm on the call rate, with this band width. */
  volume?: {anomalyBand: number}
  /** The user's own filters and alarms. */
  custom: CustomAlarm[]
}

/** One pattern `alarms test` evaluates. */
export interface NamedPattern {
  /** The control id (CloudWatch.3), the lake rule's name, or the custom alarm's name. */
  name: string
  /** Where it comes from. */
  set: AlarmSet | 'custom'
  /** The filter pattern. */
  pattern: string
}

/** Custom alarms' defaults: the issue's example leaves the period to 300 s; a threshold of 1 is one event. */
export const DEFAULT_CUSTOM_PERIOD = 300
export const DEFAULT_CUSTOM_THRESHOLD = 1

/** One alarm `alarms test --fire` set to ALARM and back. */
export interface FiredAlarm {
  /** The alarm. */
  name: string
  /** Where its ALARM state notifies; empty means nobody hears it. */
  actions: string[]
  /** The state it was set back to (OK for an alarm that was in ALARM). */
  restoredTo: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
}
