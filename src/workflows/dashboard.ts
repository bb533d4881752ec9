/**
 * `lakegov report --dashboard NAME`: builds the dashboard lake.yaml calls for (core/report/dashboard),
 * reads the stored one with GetDashboard, and calls PutDashboard only when the two differ.
 */
import type {AwsClients} from '../aws/clients'
import {CloudWatchAdapter} from '../aws/cloudwatch'
import type {LakeConfig} from '../core/lake/config'
import {buildDashboard, dashboardAction, serializeDashboardBody, type DashboardResult} from '../core/report/dashboard'
import {loadDeclaredReaders} from '../io/declared-readers'

/** Writes the dashboard when it differs from the stored one. */
export async function writeDashboard(aws: AwsClients, lake: LakeConfig, options: {name: string; policies: string; progress: (line: string) => void}): Promise<DashboardResult> {
  const desired = buildDashboard(lake, options.name, lake.alarms ? await loadDeclaredReaders(options.policies, lake) : undefined)
  const cloudwatch = new CloudWatchAdapter(aws)
  options.progress(`reading dashboard ${options.name}`)
  const stored = await cloudwatch.getDashboard(options.name)
  const action = dashboardAction(desired.body, stored?.body)
  const validationMessages = action === 'unchanged' ? [] : await cloudwatch.putDashboard(options.name, serializeDashboardBody(desired.body))
  const count = (type: string) => desired.body.widgets.filter((widget) => widget.type === type).length
  return {
    name: options.name,
    action,
    ...(stored?.arn ? {arn: stored.arn} : {}),
    widgets: {text: count('text'), log: count('log'), metric: count('metric')},
    missing: desired.gaps,
    validationMessages,
  }
}
