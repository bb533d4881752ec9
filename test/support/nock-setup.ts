import nock from 'nock'

import {AwsClients, type AwsContext} from '../../src/aws/clients'

/**
 * Wire tests talk to nock only. nock stays active across test files (DESIGN.md): activate it when
 * another file restored it, and restore it when this file is done.
 */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate()
    nock.disableNetConnect()
  })
  afterEach(() => {
    nock.cleanAll()
    process.exitCode = undefined
  })
  afterAll(() => {
    nock.enableNetConnect()
    nock.restore()
  })
}

/** Clients as the wire tests use them: fixed region, static credentials, one attempt unless retries are under test. */
export function testClients(overrides: Partial<AwsContext> = {}): AwsClients {
  return new AwsClients({
    region: 'us-east-1',
    credentials: {accessKeyId: 'AKIDTEST', secretAccessKey: 'secret'},
    maxAttempts: 1,
    version: '0.0.0-test',
    env: {},
    ...overrides,
  })
}
