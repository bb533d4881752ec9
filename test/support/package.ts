import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..', '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** A tarball `npm pack` made from the built checkout, and the files it holds. */
export interface PackedTarball {
  /** The tarball's absolute path. */
  file: string
  /** The paths inside the package, relative to its root. */
  files: string[]
}

/**
 * Packs the checkout as `npm publish` would, without the prepack build: the caller builds first
 * (npm test and npm run bench do), and rebuilding here would delete dist/ under tests running meanwhile.
 */
export function packTarball(): PackedTarball {
  const destination = mkdtempSync(path.join(tmpdir(), 'lakegov-pack-'))
  const out = execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {cwd: ROOT, encoding: 'utf8'})
  const [info] = JSON.parse(out) as Array<{filename: string; files: Array<{path: string}>}>
  return {file: path.join(destination, info.filename), files: info.files.map((entry) => entry.path)}
}

/**
 * Installs a tarball into an empty folder as a user would, offline: `npm ci` from a lockfile that
 * pins the tarball and the checkout's own locked production dependencies, whose tarballs the local
 * npm cache holds since `npm ci` fetched them (a plain `npm install --offline` would need the
 * registry's metadata, which the cache does not keep). Returns the folder; the CLI is at
 * node_modules/.bin/lakegov.
 */
export function installTarball(tarball: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-install-'))
  const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'))
  const root = {name: 'lakegov-install-check', version: '0.0.0', private: true, dependencies: {lakegov: `file:${tarball}`}}
  const production = Object.entries(lock.packages as Record<string, {dev?: boolean}>).filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev)
  const packages = {
    '': root,
    'node_modules/lakegov': {version: pjson.version, resolved: `file:${tarball}`, license: pjson.license, dependencies: pjson.dependencies, bin: pjson.bin, engines: pjson.engines},
    ...Object.fromEntries(production),
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(root, null, 2))
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages}, null, 2))
  execFileSync(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {cwd: dir, stdio: 'pipe'})
  return dir
}
