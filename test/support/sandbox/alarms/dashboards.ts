import type {CannedResponse} from '../fault-responses'
import {type AlarmsCall, callMoto, jsonBody} from './shared'
import {nextRequestId} from '../../lakeformation/rest-json'

const OPERATIONS = new Set(['PutDashboard', 'GetDashboard', 'ListDashboards', 'DeleteDashboards'])

/**
 * Dashboards are "global, not region-specific" (PutDashboard API reference); moto 5.2.1 keeps them
 * per region. The sandbox stores every dashboard in moto's state of this one region.
 */
export const DASHBOARD_HOME_REGION = 'us-east-1'

/** "Valid Values" of a widget's `type` ("Dashboard Body Structure and Syntax", Widgets Array Structure). */
const WIDGET_TYPES = new Set(['metric', 'text', 'log', 'alarm', 'explorer'])

/** PutDashboard API reference, DashboardName: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_"." */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/

interface Message {
  DataPath: string
  Message: string
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const isInteger = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max

/**
 * A refused PutDashboard, as the botocore model (monitoring/2010-08-01) describes it:
 * DashboardInvalidInputError, awsQuery code InvalidParameterInput, HTTP 400, with a `message` and
 * `dashboardValidationMessages`. The message's wording is AWS's as users report it ("The dashboard
 * body is invalid, there are 3 validation errors: [{"dataPath": ..., "message": ...}]",
 * aws-samples/aws-eda-slurm-cluster#116, aws/aws-cdk#20024); the API reference does not print it.
 */
function refused(message: string, messages: Message[]): CannedResponse {
  return {
    status: 400,
    headers: {'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': nextRequestId(), 'x-amzn-query-error': 'InvalidParameterInput;Sender'},
    body: JSON.stringify({__type: 'DashboardInvalidInputError', message, dashboardValidationMessages: messages}),
  }
}

function widgetMessages(widget: unknown, path: string): Message[] {
  const at = (Message: string, where = path): Message => ({DataPath: where, Message})
  if (!isObject(widget)) return [at('Should be object')]
  const messages: Message[] = []
  if (typeof widget.type !== 'string') messages.push(at("Should have required property 'type'"))
  else if (!WIDGET_TYPES.has(widget.type)) messages.push(at('Should be equal to one of the allowed values', `${path}/type`))
  // x and y: "Required: Yes, if y [x] is specified"; x 0-23, y 0 or more, width 1-24, height 1-1000.
  if ((widget.x === undefined) !== (widget.y === undefined)) messages.push(at(`Should have property ${widget.x === undefined ? 'x' : 'y'} when property ${widget.x === undefined ? 'y' : 'x'} is present`))
  if (widget.x !== undefined && !isInteger(widget.x, 0, 23)) messages.push(at('Should be an integer from 0 to 23', `${path}/x`))
  if (widget.y !== undefined && !isInteger(widget.y, 0)) messages.push(at('Should be an integer, 0 or higher', `${path}/y`))
  if (widget.width !== undefined && !isInteger(widget.width, 1, 24)) messages.push(at('Should be an integer from 1 to 24', `${path}/width`))
  if (widget.height !== undefined && !isInteger(widget.height, 1, 1000)) messages.push(at('Should be an integer from 1 to 1000', `${path}/height`))
  if (!isObject(widget.properties)) return [...messages, at("Should have required property 'properties'")]
  return [...messages, ...propertyMessages(String(widget.type), widget.properties, `${path}/properties`)]
}

/** The properties each documented widget type requires (same page: text, log and metric widget objects). */
function propertyMessages(type: string, properties: Json, path: string): Message[] {
  const missing = (field: string): Message => ({DataPath: path, Message: `Should have required property '${field}'`})
  if (type === 'text') return typeof properties.markdown === 'string' ? [] : [missing('markdown')]
  if (type === 'log') return [...(typeof properties.query === 'string' ? [] : [missing('query')]), ...(typeof properties.region === 'string' ? [] : [missing('region')])]
  if (type !== 'metric') return []
  const messages = typeof properties.region === 'string' ? [] : [missing('region')]
  // "metrics: Required: Yes, when the widget type is metric and annotations is not specified."
  if (properties.metrics === undefined && properties.annotations === undefined) {
    messages.push(missing('metrics'), {DataPath: path, Message: 'The metric widget should have specified a region and a data source or an alarm annotation'}, missing('annotations'))
  }
  return messages
}

/** What is wrong with a DashboardBody that parses as JSON ("Overall Structure": an object whose `widgets` array, 0 to 500 widgets, is required). */
export function dashboardBodyMessages(body: unknown): Message[] {
  if (!isObject(body)) return [{DataPath: '', Message: 'Should be object'}]
  if (body.widgets === undefined) return [{DataPath: '', Message: "Should have required property 'widgets'"}]
  if (!Array.isArray(body.widgets)) return [{DataPath: '/widgets', Message: 'Should be array'}]
  if (body.widgets.length > 500) return [{DataPath: '/widgets', Message: 'Should NOT have more than 500 items'}]
  return body.widgets.flatMap((widget, index) => widgetMessages(widget, `/widgets/${index}`))
}

/** The call with its SigV4 scope moved to the home region: moto reads the region from it, and checks no signature. */
function global(call: AlarmsCall): AlarmsCall {
  const authorization = String(call.headers.authorization ?? '').replace(/(Credential=[^/,\s]+\/\d{8}\/)[^/]+\//, `$1${DASHBOARD_HOME_REGION}/`)
  return {...call, headers: {...call.headers, authorization}, region: DASHBOARD_HOME_REGION}
}

/**
 * What CloudWatch does with dashboards and moto 5.2.1 gets wrong:
 * - Dashboards are global to the account (PutDashboard API reference): every dashboard call goes to
 *   moto in one region, so a dashboard put through any region is read through any other.
 * - PutDashboard validates the body ("Dashboard Body Structure and Syntax",
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 *   the `widgets` array is required, each widget needs a documented `type` and `properties`, the
 *   grid bounds hold, and text, log and metric widgets carry their required properties. moto checks
 *   only that the body is JSON (its own refusal of a body that is not is kept). Whether AWS checks
 *   more (metric names, Logs Insights syntax) is not documented; the sandbox does not.
 * - The DashboardName's characters and length (PutDashboard API reference, DashboardName); the
 *   error's wording is undocumented and the sandbox's own.
 * What moto already does as AWS does is left to it: GetDashboard of a missing dashboard is
 * ResourceNotFound, HTTP 404 (botocore model: DashboardNotFoundError, awsQuery code
 * ResourceNotFound), and GetDashboard returns the DashboardBody byte for byte as it was put.
 */
export class CloudWatchDashboards {
  constructor(private readonly motoEndpoint: string) {}

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  async handle(call: AlarmsCall): Promise<CannedResponse> {
    if (call.operation === 'PutDashboard') {
      const input = jsonBody(call.body)
      const name = typeof input.DashboardName === 'string' ? input.DashboardName : ''
      if (!DASHBOARD_NAME.test(name)) {
        return refused('The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).', [{DataPath: '/DashboardName', Message: 'Invalid characters or length'}])
      }
      const problems = typeof input.DashboardBody === 'string' ? bodyProblems(input.DashboardBody) : []
      if (problems.length > 0) {
        const listed = JSON.stringify(problems.map((problem) => ({dataPath: problem.DataPath, message: problem.Message})), null, 2)
        return refused(`The dashboard body is invalid, there ${problems.length === 1 ? 'is 1 validation error' : `are ${problems.length} validation errors`}:\n${listed}`, problems)
      }
    }
    return callMoto(this.motoEndpoint, global(call))
  }
}

/** The body's problems; none for a body that is not JSON, which moto refuses itself. */
function bodyProblems(text: string): Message[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  return dashboardBodyMessages(parsed)
}
