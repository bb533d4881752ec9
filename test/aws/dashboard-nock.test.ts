import nock from 'nock'

import {CloudWatchAdapter} from '../../src/aws/cloudwatch'
import {LakegovError} from '../../src/core/errors'
import {ExitCode} from '../../src/core/exit-codes'
import {testClients, useNock} from '../support/nock-setup'

const MONITORING = 'https://monitoring.us-east-1.amazonaws.com'
const BODY = '{"widgets":[{"type":"text","x":0,"y":0,"width":24,"height":4,"properties":{"markdown":"# lake"}}]}'

type Recorded = {target: string; body: Record<string, unknown>}

/** nock parses only application/json bodies; the awsJson ones come as text. */
const json = (body: nock.Body): Record<string, unknown> => (typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : (body as Record<string, unknown>))

/** One CloudWatch call answered with `status`, `answer` and `headers`, recorded. */
function answerOnce(recorded: Recorded[], status: number, answer: unknown, headers: Record<string, string> = {}): nock.Scope {
  return nock(MONITORING)
    .post('/')
    .reply(function (_uri, body) {
      recorded.push({target: String(this.req.headers['x-amz-target']), body: json(body)})
      return [status, JSON.stringify(answer), {'content-type': 'application/x-amz-json-1.0', ...headers}]
    })
}

async function failure(promise: Promise<unknown>): Promise<LakegovError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof LakegovError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('CloudWatchAdapter dashboards (wire)', () => {
  useNock()

  it('GetDashboard sends the name and returns the stored body untouched, with its ARN', async () => {
    const recorded: Recorded[] = []
    const scope = answerOnce(recorded, 200, {DashboardArn: 'arn:aws:cloudwatch::123456789012:dashboard/lake', DashboardBody: BODY, DashboardName: 'lake'})
    const stored = await new CloudWatchAdapter(testClients()).getDashboard('lake')
    scope.done()
    expect(recorded).toEqual([{target: 'GraniteServiceVersion20100801.GetDashboard', body: {DashboardName: 'lake'}}])
    expect(stored).toEqual({arn: 'arn:aws:cloudwatch::123456789012:dashboard/lake', body: BODY})
  })

  it.each([
    // AWS: the model's DashboardNotFoundError shape; moto: the generic ResourceNotFound shape. Both carry the awsQuery code ResourceNotFound.
    ['DashboardNotFoundError', 'com.amazonaws.cloudwatch#DashboardNotFoundError'],
    ['ResourceNotFound', 'GraniteServiceVersion20100801#ResourceNotFound'],
  ])('a missing dashboard (%s, HTTP 404 ResourceNotFound) reads as none', async (_label, type) => {
    const scope = answerOnce([], 404, {__type: type, message: 'Dashboard lake does not exist'}, {'x-amzn-query-error': 'ResourceNotFound;Sender'})
    expect(await new CloudWatchAdapter(testClients()).getDashboard('lake')).toBeUndefined()
    scope.done()
  })

  it('PutDashboard sends the body as a string and returns the validation warnings of an accepted body', async () => {
    const recorded: Recorded[] = []
    const scope = answerOnce(recorded, 200, {DashboardValidationMessages: [{DataPath: '/widgets/0/properties/metrics', Message: 'No metrics found'}]})
    const messages = await new CloudWatchAdapter(testClients()).putDashboard('lake', BODY)
    scope.done()
    expect(recorded).toEqual([{target: 'GraniteServiceVersion20100801.PutDashboard', body: {DashboardName: 'lake', DashboardBody: BODY}}])
    expect(messages).toEqual([{dataPath: '/widgets/0/properties/metrics', message: 'No metrics found'}])
  })

  it('a refused body (DashboardInvalidInputError) fails with AWS\'s messages listed, as a lakegov bug (exit 1)', async () => {
    const scope = answerOnce(
      [],
      400,
      {__type: 'DashboardInvalidInputError', message: 'The dashboard body is invalid, there is 1 validation error', dashboardValidationMessages: [{DataPath: '/widgets/0/properties', Message: "Should have required property 'metrics'"}]},
      {'x-amzn-query-error': 'InvalidParameterInput;Sender'},
    )
    const error = await failure(new CloudWatchAdapter(testClients()).putDashboard('lake', BODY))
    scope.done()
    expect(error.exitCode).toBe(ExitCode.Internal)
    expect(error.code).toBe('AWS_DashboardInvalidInputError')
    expect(error.message).toContain("/widgets/0/properties: Should have required property 'metrics'")
    expect(error.message).toContain('cloudwatch:PutDashboard')
  })

  it('a denied PutDashboard names the action to allow (exit 4)', async () => {
    const scope = answerOnce(
      [],
      400,
      {__type: 'com.amazon.coral.service#AccessDeniedException', Message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudwatch:PutDashboard on resource: arn:aws:cloudwatch::123456789012:dashboard/lake'},
      {'x-amzn-query-error': 'AccessDenied;Sender'},
    )
    const error = await failure(new CloudWatchAdapter(testClients()).putDashboard('lake', BODY))
    scope.done()
    expect(error.exitCode).toBe(ExitCode.AwsAccess)
    expect(error.suggestions.join(' ')).toContain('cloudwatch:PutDashboard')
  })
})
