import type {ActivityQuery} from '../../src/core/activity/query'
import type {ActivityAsk} from '../../src/engines/types'
import type {ActivityRun} from '../../src/workflows/activity'
import {readLakeEvents} from '../../src/workflows/alarms'

const QUERY: ActivityQuery = {window: {from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false}}

/** A runner that answers with `count` events, newest first, and records what it was asked. */
function runner(count: number, answer: Partial<ActivityRun> = {}) {
  const asks: ActivityAsk[] = []
  const run = async (_query: ActivityQuery, ask: ActivityAsk): Promise<ActivityRun> => {
    asks.push(ask)
    const events = Array.from({length: count}, (_, index) => ({eventID: `e${count - index}`, eventTime: `2026-12-01T00:00:${String(count - index).padStart(2, '0')}Z`}))
    return {engine: 'local', regions: ['us-east-1'], events, skipped: [], stats: {}, reason: 'asked', fullRecords: true, ...answer}
  }
  return {run, asks}
}

describe('readLakeEvents', () => {
  it('asks for whole records, and gives the events oldest first with their eventIDs', async () => {
    const {run, asks} = runner(3)
    const lines: string[] = []
    const {events, source} = await readLakeEvents(run, QUERY, (line) => lines.push(line), 5)
    expect(asks).toEqual([{kind: 'events', limit: 6, full: true}])
    expect(events.map((event) => event.id)).toEqual(['e1', 'e2', 'e3'])
    expect(source).toEqual({engine: 'local', reason: 'asked', window: QUERY.window, regions: ['us-east-1'], fullRecords: true, truncated: false})
    expect(lines).toEqual(['alarms: 3 events read from the lake (local engine)'])
  })

  it('a window of exactly the limit is whole; one event more keeps the newest and warns', async () => {
    expect((await readLakeEvents(runner(2).run, QUERY, () => undefined, 2)).source.truncated).toBe(false)
    const lines: string[] = []
    const {events, source} = await readLakeEvents(runner(3).run, QUERY, (line) => lines.push(line), 2)
    expect(source.truncated).toBe(true)
    expect(events.map((event) => event.id)).toEqual(['e2', 'e3'])
    expect(lines).toContain('warning: the window holds more than 2 events; only the newest 2 were tested. Shorten the window.')
  })

  it('says when the engine gave the table\'s columns rather than whole records', async () => {
    const lines: string[] = []
    const {source} = await readLakeEvents(runner(1, {engine: 'athena', fullRecords: undefined}).run, QUERY, (line) => lines.push(line))
    expect(source.fullRecords).toBe(false)
    expect(lines.some((line) => line.startsWith('warning: the athena engine gives the CloudTrail table\'s columns, not whole records'))).toBe(true)
  })
})
