import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
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
 * Installs a tarball into an empty folder as a user would (`npm install lakegov-x.tgz`), offline:
 * the dependencies come from the local npm cache, which `npm ci` filled. Returns the folder; the
 * CLI is at node_modules/.bin/lakegov.
 */
export function installTarball(tarball: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-install-'))
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({name: 'lakegov-install-check', version: '0.0.0', private: true}))
  execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--omit=dev', tarball], {cwd: dir, stdio: 'pipe'})
  return dir
}
