import {type ChildProcess, spawn} from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'

/** The message for a machine without moto; the sandbox cannot work around it, so it says how to fix it. */
export const MOTO_MISSING = "moto_server not found on PATH. The sandbox needs it: pip install 'moto[server]'"

/** The folder whose sitecustomize.py moto's Python loads. */
const MOTO_SITE = path.join(__dirname, 'moto-site')

/** moto_server's environment: this one, with moto-site first on PYTHONPATH (faster, never different: see its sitecustomize.py). */
export function motoEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {...env, PYTHONPATH: [MOTO_SITE, env.PYTHONPATH].filter((entry) => entry !== undefined && entry !== '').join(path.delimiter)}
}

/** A moto_server child process on a private loopback port. */
export interface MotoServer {
  /** http://127.0.0.1:PORT of moto itself; only the gateway and the verifier talk to it. */
  endpoint: string
  /** moto's port. */
  port: number
  /** Clears every service's state in moto. */
  reset(): Promise<void>
  /** Kills moto and waits until it has exited. */
  stop(): Promise<void>
}

/** A port that was free a moment ago; moto takes a port number, not a listening socket. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Any HTTP answer means moto is up; connection refused means not yet. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({host: '127.0.0.1', port, path: '/moto-api/', timeout: 1000, agent: false}, (response) => {
      response.resume()
      resolve(true)
    })
    request.once('timeout', () => request.destroy())
    request.once('error', () => resolve(false))
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * Starts moto_server and resolves once it answers HTTP. moto is a direct child in our process group,
 * and is killed when this process exits, so no moto outlives its sandbox.
 */
export async function startMoto(options: {log?: (line: string) => void; readyTimeoutMs?: number} = {}): Promise<MotoServer> {
  const log = options.log ?? (() => undefined)
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {detached: false, stdio: ['ignore', 'pipe', 'pipe'], env: motoEnvironment()})

  // moto logs every request; the pipes must be drained or it blocks once they fill.
  let recent = ''
  const relay = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    recent = (recent + text).slice(-2000)
    for (const line of text.split('\n')) if (line.trim() !== '') log(`moto: ${line}`)
  }
  child.stdout?.on('data', relay)
  child.stderr?.on('data', relay)

  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  let failure: Error | undefined
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure = error.code === 'ENOENT' ? new Error(MOTO_MISSING) : new Error(`Could not start moto_server: ${error.message}`)
  })
  child.once('exit', (code, signal) => {
    failure ??= new Error(`moto_server exited early (${signal ?? `code ${code}`}). Its last output:\n${recent.trim()}`)
  })

  const stop = async () => {
    process.removeListener('exit', killOnExit)
    // No pid: the spawn itself failed, so there is nothing to kill or wait for.
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited(child)
    clearTimeout(timer)
  }

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000)
  for (;;) {
    if (failure) {
      await stop()
      throw failure
    }
    if (await answers(port)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`moto_server did not answer on 127.0.0.1:${port} within ${options.readyTimeoutMs ?? 20_000} ms. Its last output:\n${recent.trim()}`)
    }
    await sleep(50)
  }
  log(`moto_server ready on 127.0.0.1:${port} (pid ${child.pid})`)

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop,
    async reset() {
      const response = await fetch(`http://127.0.0.1:${port}/moto-api/reset`, {method: 'POST'})
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`moto reset failed with HTTP ${response.status}`)
    },
  }
}
