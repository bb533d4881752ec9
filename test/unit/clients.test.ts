import {AwsClients, clientConfig, resolveEndpoint, type AwsContext} from '../../src/aws/clients'

const base: AwsContext = {maxAttempts: 3, version: '9.9.9', env: {}}

describe('resolveEndpoint', () => {
  it.each([
    ['nothing set: the real AWS endpoint', {}, undefined, undefined],
    ['AWS_ENDPOINT_URL', {AWS_ENDPOINT_URL: 'http://127.0.0.1:1'}, undefined, 'http://127.0.0.1:1'],
    ['the per-service variable wins over the global one', {AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_LAKEFORMATION: 'http://lf'}, undefined, 'http://lf'],
    ['--endpoint-url wins over both', {AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_LAKEFORMATION: 'http://lf'}, 'http://flag', 'http://flag'],
  ])('%s', (_name, env, flag, expected) => {
    expect(resolveEndpoint({...base, env, endpointUrl: flag}, 'lakeformation')).toBe(expected)
  })

  it('ignores another service’s variable', () => {
    expect(resolveEndpoint({...base, env: {AWS_ENDPOINT_URL_GLUE: 'http://glue'}}, 'lakeformation')).toBeUndefined()
  })
})

describe('clientConfig', () => {
  it('uses adaptive retries with the configured attempts and names lakegov in the user agent', () => {
    expect(clientConfig({...base, region: 'eu-west-1', profile: 'audit'}, 'sts')).toMatchObject({
      region: 'eu-west-1',
      profile: 'audit',
      maxAttempts: 3,
      retryMode: 'adaptive',
      customUserAgent: [['lakegov', '9.9.9']],
    })
  })

  it('switches S3 to path-style addressing only when the endpoint is overridden', () => {
    expect(clientConfig({...base, endpointUrl: 'http://127.0.0.1:1'}, 's3')).toMatchObject({forcePathStyle: true, endpoint: 'http://127.0.0.1:1'})
    expect(clientConfig(base, 's3')).not.toHaveProperty('forcePathStyle')
    expect(clientConfig({...base, endpointUrl: 'http://127.0.0.1:1'}, 'glue')).not.toHaveProperty('forcePathStyle')
  })
})

describe('AwsClients', () => {
  it('builds each client once, lazily', async () => {
    const clients = new AwsClients({...base, region: 'ap-southeast-2', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
    expect(clients.sts).toBe(clients.sts)
    expect(clients.lakeformation).not.toBe(clients.glue as unknown)
    await expect(clients.region()).resolves.toBe('ap-southeast-2')
    expect(await clients.s3.config.forcePathStyle).toBe(false)
  })
})
