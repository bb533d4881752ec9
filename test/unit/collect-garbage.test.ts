import {collectGarbage} from '../../src/io/collect-garbage'

describe('collectGarbage', () => {
  it('collects unreachable objects at once, and again on a later call', () => {
    for (let round = 0; round < 2; round++) {
      let garbage: unknown[] | undefined = Array.from({length: 200_000}, (_, index) => ({index, text: `object ${index}`}))
      const held = process.memoryUsage().heapUsed
      expect((garbage as unknown[]).length).toBe(200_000)
      garbage = undefined
      collectGarbage()
      // 200,000 small objects are some 20 MB of heap: well over what one collection leaves of them.
      expect(held - process.memoryUsage().heapUsed).toBeGreaterThan(10 * 1024 ** 2)
    }
  })
})
