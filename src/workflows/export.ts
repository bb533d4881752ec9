/**
 * The composition root of `grants export`: reads the account's grants, LF-tags, tag assignments,
 * data cells filters and Glue catalog (aws), derives the scope and the document (core/export), and
 * writes the YAML (io). The command only parses flags and renders.
 */
import {stringify} from 'yaml'

import type {AwsClients} from '../aws/clients'
import {exportPolicy, exportScope, exportTargets, type ExportScopeRequest, type GrantsFile} from '../core/export/export'
import {markImplicit} from '../core/plan/diff'
import {checkOutputFile, writeOutputFile, type OutputFileOptions} from '../io/output-file'
import {schemaLine} from '../io/policy-files'
import {readAccount} from './grants'

/** What `grants export` was asked for. */
export interface ExportRequest extends ExportScopeRequest {
  /** The file to write; undefined for stdout. */
  out?: string
  /** Replace `out` if it exists. */
  force: boolean
  /** The grants schema this lakegov ships, for the editor's `$schema` line. */
  schemaFile: string
}

/** The exported document and its YAML text. */
export interface ExportResult {
  /** The document, as `--json` prints it. */
  document: GrantsFile
  /** The YAML, as written to `out` or printed. */
  yaml: string
}

/** Reads the account and returns the export; with `out`, writes it there (refused if it exists, unless `force`). */
export async function exportGrants(clients: AwsClients, request: ExportRequest): Promise<ExportResult> {
  const out: OutputFileOptions = {flag: '--out', overwrite: request.force, existsHint: 'Pass --force to replace it, or name another file.'}
  // Before any AWS call: a typo in --out should not cost a full read of the account.
  if (request.out) await checkOutputFile(request.out, out)
  const account = await readAccount(clients)
  const grants = markImplicit(await account.lakeformation.listGrants(), account.admins)
  const scope = exportScope(request, grants)
  const catalog = await account.catalog.readCatalog(scope.databases)
  const objects = await account.objects.readObjects(scope.databases, exportTargets(scope, catalog))
  const document = exportPolicy(grants, {scope, ...objects})
  const header = `${request.out ? schemaLine(request.out, request.schemaFile) : ''}# Exported by lakegov grants export from account ${account.identity.account} (${account.region}).\n`
  const yaml = `${header}${stringify(document, {lineWidth: 0})}`
  if (request.out) await writeOutputFile(request.out, yaml, out)
  return {document, yaml}
}
