/**
 * The sandbox's moto_server loads test/support/sandbox/moto-site/sitecustomize.py, which takes moto's
 * module list once instead of on every request, and parses each timestamp text once. It must change
 * only the speed: the list is the one moto computes, the timestamps are botocore's, and a
 * sitecustomize the interpreter already had still runs.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {motoEnvironment} from '../support/sandbox/moto'

jest.setTimeout(60_000)

// Runs at moto_server's exit: whether the list is patched, and whether it is the list moto's own code gives.
const PROBE = `
import atexit, json, os
def _report():
    import moto, moto.backends as backends
    folder = os.path.dirname(moto.__file__)
    own = [name for name in sorted(os.listdir(folder)) if os.path.isdir(os.path.join(folder, name)) and not name.startswith("__")]
    import botocore.utils as botocore_utils, moto.core.serialize as serialize
    texts = ["2026-10-01T00:00:00.000Z", "2026-10-01T00:00:00Z", "2026-12-02T10:00:00+02:00", "Wed, 02 Dec 2026 10:00:00 GMT"]
    values = texts + texts + [1700000000, 1700000000.5]
    parsed = [serialize.parse_to_aware_datetime(value).isoformat() for value in values]
    with open(os.environ["LAKEGOV_PROBE_OUT"], "w") as out:
        json.dump({"patched": backends.list_of_moto_modules.__name__ == "<lambda>", "same": list(backends.list_of_moto_modules()) == own, "modules": len(own),
                   "timestamps": {"patched": serialize.parse_to_aware_datetime is not botocore_utils.parse_to_aware_datetime, "same": parsed == [botocore_utils.parse_to_aware_datetime(value).isoformat() for value in values]}}, out)
atexit.register(_report)
`

it("keeps moto's module list and timestamps as moto computes them, and still runs the interpreter's own sitecustomize", async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'lakegov-moto-site-'))
  try {
    writeFileSync(path.join(folder, 'sitecustomize.py'), PROBE)
    const out = path.join(folder, 'probe.json')
    // The probe's folder after moto-site on PYTHONPATH: moto-site's sitecustomize shadows it and must run it.
    const env: NodeJS.ProcessEnv = {...motoEnvironment({...process.env, PYTHONPATH: folder}), LAKEGOV_PROBE_OUT: out}
    expect(env.PYTHONPATH?.split(path.delimiter)).toEqual([expect.stringContaining('moto-site'), folder])
    await promisify(execFile)('moto_server', ['--help'], {env})
    const probe = JSON.parse(readFileSync(out, 'utf8')) as {patched: boolean; same: boolean; modules: number; timestamps: {patched: boolean; same: boolean}}
    // Timestamp texts are parsed once each, to the same datetimes as botocore's own parse.
    expect(probe).toEqual({patched: true, same: true, modules: expect.any(Number), timestamps: {patched: true, same: true}})
    expect(probe.modules).toBeGreaterThan(100)
  } finally {
    rmSync(folder, {recursive: true, force: true})
  }
})
