import nock from 'nock'

import {LakeFormationAdapter} from '../../src/aws/lakeformation'
import {testClients, useNock} from '../support/nock-setup'

const LAKEFORMATION = 'https://lakeformation.us-east-1.amazonaws.com'

/**
 * GetResourceLFTags answers with LFTagPair lists. A resource carries one value per key ("Only one
 * value for a LF-tag can be assigned to a particular resource",
 * https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-notes.html), but the pair's TagValues is
 * a list of 1 to 50 values (botocore lakeformation/2017-03-31 service-2.json: LFTagPair,
 * TagValueList). The grants plan and the audit read these pairs with one reader, which keeps every
 * pair by its first value: a pair dropped because its list is not exactly one long would hide, from
 * the audit, what a tag expression grant gives, and make the plan assign the tag again.
 */
describe('LF-tag pairs read from GetResourceLFTags (wire)', () => {
  useNock()

  const answer = {
    LFTagOnDatabase: [{CatalogId: '123456789012', TagKey: 'Domain', TagValues: ['Security']}],
    LFTagsOnTable: [{CatalogId: '123456789012', TagKey: 'Sensitivity', TagValues: ['Internal', 'PII']}],
    LFTagsOnColumns: [{Name: 'sourceIPAddress', LFTags: [{TagKey: 'sensitivity', TagValues: ['pii', 'internal']}]}],
  }

  it('the grants plan reads every assigned pair, lowercase, by its first value', async () => {
    const scope = nock(LAKEFORMATION)
      .post('/ListLFTags')
      .reply(200, {LFTags: [{TagKey: 'sensitivity', TagValues: ['internal', 'pii']}]})
      .post('/GetResourceLFTags', (body) => body.ShowAssignedLFTags === true && body.Resource.Table?.Name === 'events')
      .reply(200, answer)
      .post('/GetResourceLFTags', (body) => body.Resource.TableWithColumns?.ColumnNames?.[0] === 'sourceipaddress')
      .reply(200, answer)
    const objects = await new LakeFormationAdapter(testClients(), '123456789012').readObjects([], [
      {database: 'cloudtrail', table: 'events'},
      {database: 'cloudtrail', table: 'events', columns: ['sourceipaddress']},
    ])
    scope.done()
    expect(objects.assignments).toEqual([
      {target: {database: 'cloudtrail', table: 'events'}, tags: {sensitivity: 'internal'}},
      {target: {database: 'cloudtrail', table: 'events', columns: ['sourceipaddress']}, tags: {sensitivity: 'pii'}},
    ])
  })

  it('the audit reads the same pairs the same way', async () => {
    const scope = nock(LAKEFORMATION).post('/GetResourceLFTags').reply(200, answer)
    const assignments = await new LakeFormationAdapter(testClients()).readTagAssignments([{database: 'cloudtrail', table: 'events', columns: []}])
    scope.done()
    expect(assignments).toEqual([
      {target: {database: 'cloudtrail'}, tags: {domain: 'security'}},
      {target: {database: 'cloudtrail', table: 'events'}, tags: {sensitivity: 'internal'}},
      {target: {database: 'cloudtrail', table: 'events', columns: ['sourceipaddress']}, tags: {sensitivity: 'pii'}},
    ])
  })
})
