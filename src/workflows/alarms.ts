/**
 * `alarms test --fire`: the managed alarms (core/alarms/plan's name prefix), each set to ALARM with
 * SetAlarmState and back to the state it had, so that the user sees the notification path work.
 */
import type {AwsClients} from '../aws/clients'
import {CloudWatchAdapter, type AlarmState} from '../aws/cloudwatch'
import {MANAGED_PREFIX, type ObservedAlarm} from '../core/alarms/plan'
import type {FiredAlarm} from '../core/alarms/types'

/** The alarms bootstrap manages in the lake's region. */
export async function readManagedAlarms(clients: AwsClients): Promise<ObservedAlarm[]> {
  return new CloudWatchAdapter(clients).describeAlarms(MANAGED_PREFIX)
}

const REASON = 'lakegov alarms test --fire: testing the notification path'

/**
 * Sets each alarm to ALARM, then back to its state before. CloudWatch runs the ALARM actions on the
 * transition and re-evaluates the alarm at its next period anyway (API reference, SetAlarmState).
 */
export async function fireAlarms(clients: AwsClients, alarms: ObservedAlarm[], onProgress?: (line: string) => void): Promise<FiredAlarm[]> {
  const cloudwatch = new CloudWatchAdapter(clients)
  const fired: FiredAlarm[] = []
  for (const alarm of alarms) {
    const before = (alarm.state ?? 'INSUFFICIENT_DATA') as AlarmState
    const restoredTo: AlarmState = before === 'ALARM' ? 'OK' : before
    await cloudwatch.setAlarmState(alarm.name, 'ALARM', REASON)
    await cloudwatch.setAlarmState(alarm.name, restoredTo, `${REASON} (set back)`)
    onProgress?.(`fired ${alarm.name}`)
    fired.push({name: alarm.name, actions: alarm.actions, restoredTo})
  }
  return fired
}
