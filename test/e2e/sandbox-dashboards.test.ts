/**
 * The sandbox's CloudWatch dashboards against AWS's documentation (test/support/sandbox/alarms/dashboards.ts
 * cites each source): GetDashboard of a missing one, PutDashboard's checks of the body, the body
 * returned byte for byte, and dashboards global to the account.
 */
import {CloudWatchClient, DeleteDashboardsCommand, GetDashboardCommand, ListDashboardsCommand, PutDashboardCommand} from '@aws-sdk/client-cloudwatch'

import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(60_000)

const client = (region = 'us-east-1') => new CloudWatchClient({...sandboxSdkConfig(sandboxEndpoint(), 1), region})

type Refusal = Error & {$metadata?: {httpStatusCode?: number}; dashboardValidationMessages?: Array<{DataPath?: string; Message?: string}>}

async function failure(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise
  } catch (error) {
    return error as Refusal
  }
  throw new Error('expected the call to fail')
}

const text = (markdown: string) => ({type: 'text', x: 0, y: 0, width: 6, height: 3, properties: {markdown}})

beforeEach(async () => {
  await resetSandbox()
})

describe('sandbox: CloudWatch dashboards', () => {
  it('GetDashboard of a dashboard that does not exist is ResourceNotFound, HTTP 404', async () => {
    const error = await failure(client().send(new GetDashboardCommand({DashboardName: 'nope'})))
    expect(error.name).toBe('ResourceNotFound')
    expect(error.$metadata?.httpStatusCode).toBe(404)
  })

  it('returns the DashboardBody byte for byte as it was put: spacing, key order, escapes and non-ASCII kept', async () => {
    const body = '{ "widgets" : [ {"type":"text","x":0,"y":0,"width":6,"height":3,"properties":{"markdown":"caf\\u00e9 \\"quoted\\" é ✓"}} ],\n  "start":"-PT6H" }'
    const answer = await client().send(new PutDashboardCommand({DashboardName: 'lake_activity-1', DashboardBody: body}))
    expect(answer.DashboardValidationMessages ?? []).toEqual([])
    const stored = await client().send(new GetDashboardCommand({DashboardName: 'lake_activity-1'}))
    expect(stored.DashboardBody).toBe(body)
    expect(stored.DashboardName).toBe('lake_activity-1')
    expect(stored.DashboardArn).toBe('arn:aws:cloudwatch::123456789012:dashboard/lake_activity-1')
  })

  it('keeps dashboards global: one put through a region is read, listed and deleted through another', async () => {
    const body = JSON.stringify({widgets: [text('global')]})
    await client('eu-west-1').send(new PutDashboardCommand({DashboardName: 'global', DashboardBody: body}))
    expect((await client('ap-southeast-2').send(new GetDashboardCommand({DashboardName: 'global'}))).DashboardBody).toBe(body)
    expect((await client('us-west-2').send(new ListDashboardsCommand({}))).DashboardEntries?.map((entry) => entry.DashboardName)).toEqual(['global'])
    await client('us-east-1').send(new DeleteDashboardsCommand({DashboardNames: ['global']}))
    expect((await failure(client('eu-west-1').send(new GetDashboardCommand({DashboardName: 'global'})))).name).toBe('ResourceNotFound')
  })

  it.each([
    ['no widgets array', {start: '-PT6H'}, [{DataPath: '', Message: "Should have required property 'widgets'"}]],
    ['an array body', [text('x')], [{DataPath: '', Message: 'Should be object'}]],
    ['widgets that are not an array', {widgets: {}}, [{DataPath: '/widgets', Message: 'Should be array'}]],
    ['a widget without properties', {widgets: [{type: 'text'}]}, [{DataPath: '/widgets/0', Message: "Should have required property 'properties'"}]],
    ['an unknown widget type', {widgets: [{type: 'graph', properties: {}}]}, [{DataPath: '/widgets/0/type', Message: 'Should be equal to one of the allowed values'}]],
    ['x off the 24-column grid', {widgets: [{...text('x'), x: 24}]}, [{DataPath: '/widgets/0/x', Message: 'Should be an integer from 0 to 23'}]],
    ['a text widget without markdown', {widgets: [{type: 'text', properties: {}}]}, [{DataPath: '/widgets/0/properties', Message: "Should have required property 'markdown'"}]],
    ['a log widget without region', {widgets: [{type: 'log', properties: {query: "SOURCE 'g' | fields @message"}}]}, [{DataPath: '/widgets/0/properties', Message: "Should have required property 'region'"}]],
    [
      'a metric widget without metrics or annotations',
      {widgets: [{type: 'metric', properties: {region: 'us-east-1'}}]},
      [
        {DataPath: '/widgets/0/properties', Message: "Should have required property 'metrics'"},
        {DataPath: '/widgets/0/properties', Message: 'The metric widget should have specified a region and a data source or an alarm annotation'},
        {DataPath: '/widgets/0/properties', Message: "Should have required property 'annotations'"},
      ],
    ],
  ])('refuses a body with %s (DashboardInvalidInputError, HTTP 400, with its validation messages) and stores nothing', async (_label, body, messages) => {
    const error = await failure(client().send(new PutDashboardCommand({DashboardName: 'bad', DashboardBody: JSON.stringify(body)})))
    expect(error.name).toBe('DashboardInvalidInputError')
    expect(error.$metadata?.httpStatusCode).toBe(400)
    expect(error.dashboardValidationMessages).toEqual(messages)
    expect(error.message).toMatch(/^The dashboard body is invalid, there (is 1 validation error|are \d+ validation errors):/)
    expect((await failure(client().send(new GetDashboardCommand({DashboardName: 'bad'})))).name).toBe('ResourceNotFound')
  })

  it('refuses a body that is not JSON, and a name with characters PutDashboard does not allow', async () => {
    expect((await failure(client().send(new PutDashboardCommand({DashboardName: 'bad', DashboardBody: '{"widgets": ['})))).name).toBe('DashboardInvalidInputError')
    for (const name of ['lake activity', 'lake/activity', 'a'.repeat(256)]) {
      expect((await failure(client().send(new PutDashboardCommand({DashboardName: name, DashboardBody: '{"widgets":[]}'})))).name).toBe('DashboardInvalidInputError')
    }
    expect((await client().send(new ListDashboardsCommand({}))).DashboardEntries ?? []).toEqual([])
  })

  it('accepts an empty widgets array ("that array can be empty")', async () => {
    await client().send(new PutDashboardCommand({DashboardName: 'empty', DashboardBody: '{"widgets":[]}'}))
    expect((await client().send(new GetDashboardCommand({DashboardName: 'empty'}))).DashboardBody).toBe('{"widgets":[]}')
  })
})
