import nock from 'nock'

import type {LakeFormationModel} from './model'
import {handleRestJson} from './rest-json'

/**
 * Serves `https://lakeformation.<region>.amazonaws.com` from the model, through the same restJson1
 * translator the sandbox gateway uses, so that wire tests and e2e tests see one Lake Formation.
 * The scope is persisted: it answers any number of calls until nock.cleanAll().
 */
export function mountLakeFormationModel(model: LakeFormationModel, region = 'us-east-1'): nock.Scope {
  return nock(`https://lakeformation.${region}.amazonaws.com`)
    .persist()
    .post(/.*/)
    .reply(async function (uri, requestBody) {
      // nock hands over JSON bodies already parsed; the translator wants the bytes as sent.
      const body = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody)
      const response = await handleRestJson(model, {method: 'POST', path: uri, body, region})
      return [response.status, response.body, response.headers]
    })
}
