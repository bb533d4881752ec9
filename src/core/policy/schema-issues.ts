import type {ErrorObject} from 'ajv'

import {YamlFile, fieldOf} from './source-map'
import {hintFor} from './suggest'
import type {PolicyIssue} from './types'

/** Turns ajv's errors into issues with positions, one per field and kind. */
export function schemaIssues(file: YamlFile, errors: ErrorObject[]): PolicyIssue[] {
  const issues = new Map<string, PolicyIssue>()
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue
    const path: (string | number)[] = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
    let issue: PolicyIssue
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty)
        const allowed = Object.keys((error.parentSchema as {properties?: object})?.properties ?? {})
        issue = {...file.locate([...path, key], {key: true}), message: `unknown key "${key}"`, hint: hintFor(key, allowed, 'keys')}
        break
      }
      case 'required': {
        issue = {...file.locate(path), message: `missing required key "${error.params.missingProperty}"`}
        issue.field = fieldOf([...path, String(error.params.missingProperty)])
        break
      }
      case 'enum': {
        const allowed = (error.params.allowedValues as unknown[]).map(String)
        issue = {...file.locate(path), message: `"${String(error.data)}" is not allowed here`, hint: hintFor(String(error.data), allowed, 'values')}
        break
      }
      case 'pattern': {
        issue = {...file.locate(path), message: `"${String(error.data)}" is not well formed`, hint: (error.parentSchema as {description?: string})?.description}
        break
      }
      default: {
        issue = {...file.locate(path), message: error.message ?? `fails ${error.keyword}`}
      }
    }
    issues.set(`${issue.field} ${issue.message}`, issue)
  }
  return [...issues.values()]
}

