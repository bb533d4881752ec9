import {createHash} from 'node:crypto'

import type {Finding, Rule, Severity} from '../core/audit/findings'
import {escapeSarifText} from './escape'

/** A SARIF level. */
export type SarifLevel = 'error' | 'warning' | 'note'

const LEVEL: Record<Severity, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note'}

// GitHub code scanning ranks security results by this score: over 9.0 critical, 7.0 high, 4.0 medium.
const SECURITY_SEVERITY: Record<Severity, string> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0'}

/** The subset of SARIF 2.1.0 lakegov writes. */
export interface SarifLog {
  /** The schema the log conforms to. */
  $schema: string
  /** Always 2.1.0. */
  version: '2.1.0'
  /** One run: this audit. */
  runs: SarifRun[]
}

/** One run of the tool. */
export interface SarifRun {
  /** The tool and its rules. */
  tool: {driver: SarifDriver}
  /** The findings. */
  results: SarifResult[]
}

/** The tool component. */
export interface SarifDriver {
  /** The tool's name. */
  name: string
  /** Where to learn about it, when the caller knows (lakegov has no public page to invent). */
  informationUri?: string
  /** Its version. */
  version: string
  /** Every rule, whether or not it fired, so that viewers can show help for all. */
  rules: SarifRule[]
}

/** A SARIF reportingDescriptor for one rule. */
export interface SarifRule {
  /** The rule id. */
  id: string
  /** The rule's PascalCase name. */
  name: string
  /** The title. */
  shortDescription: {text: string}
  /** The title and why it matters. */
  fullDescription: {text: string}
  /** Help as text and markdown, fix included. */
  help: {text: string; markdown: string}
  /** The level results take by default. */
  defaultConfiguration: {level: SarifLevel}
  /** Tags and the security severity GitHub ranks by. */
  properties: {tags: string[]; 'security-severity': string; precision: string}
}

/** One SARIF location, physical or logical. */
export interface SarifLocation {
  /** The file and line, when the finding has one in the repository. */
  physicalLocation?: {artifactLocation: {uri: string}; region: {startLine: number}}
  /** The AWS resource the finding is about. */
  logicalLocations?: Array<{name: string; fullyQualifiedName: string; kind: string}>
}

/** One finding as a SARIF result. */
export interface SarifResult {
  /** The rule id. */
  ruleId: string
  /** The rule's index in driver.rules. */
  ruleIndex: number
  /** The level, from the finding's severity. */
  level: SarifLevel
  /** The finding, evidence and fix. */
  message: {text: string}
  /** Where it is. */
  locations: SarifLocation[]
  /** A stable identity across runs, so code scanning tracks one alert per finding. */
  partialFingerprints: Record<string, string>
  /** The finding's own severity, which may differ from the rule's. */
  properties: {severity: Severity; resource: string; principal?: string}
}

/** What renderSarif needs beyond the findings. */
export interface SarifOptions {
  /** lakegov's version. */
  version: string
  /** Where to learn about lakegov; left out of the log when not given. */
  informationUri?: string
  /**
   * A repository file to point findings without a location at, such as policies/lake.yaml. GitHub
   * code scanning drops results without a physical location; other viewers use the logical one.
   */
  fallbackFile?: string
}

const FINGERPRINT_KEY = 'lakegovFinding/v1'

/** A repository-relative URI with forward slashes, as SARIF artifact locations want it. */
export function toArtifactUri(file: string): string {
  return file
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

function renderRule(rule: Rule): SarifRule {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: {text: rule.title},
    fullDescription: {text: `${rule.title}. ${stripMarkdown(rule.help)}`},
    help: {text: `${stripMarkdown(rule.help)}\n\nFix: ${rule.fix}`, markdown: `${rule.help}\n\n**Fix:** ${rule.fix}`},
    defaultConfiguration: {level: LEVEL[rule.severity]},
    properties: {tags: ['security', 'lake-formation'], 'security-severity': SECURITY_SEVERITY[rule.severity], precision: 'high'},
  }
}

function stripMarkdown(text: string): string {
  return text.replaceAll('`', '').replaceAll('**', '')
}

function fingerprintOf(finding: Finding): string {
  return createHash('sha256').update([finding.ruleId, finding.resource, finding.principal ?? ''].join('\u0000')).digest('hex')
}

function locationsOf(finding: Finding, fallbackFile: string | undefined): SarifLocation[] {
  const logical = {logicalLocations: [{name: finding.resource, fullyQualifiedName: finding.resource, kind: 'resource'}]}
  const file = finding.location ?? (fallbackFile ? {file: fallbackFile, line: 1} : undefined)
  if (!file) return [logical]
  return [{physicalLocation: {artifactLocation: {uri: toArtifactUri(file.file)}, region: {startLine: Math.max(1, file.line)}}, ...logical}]
}

/**
 * Findings as a SARIF 2.1.0 log for GitHub code scanning and other viewers. Every rule is listed,
 * fired or not; results keep the findings' order.
 */
export function renderSarif(findings: readonly Finding[], rules: readonly Rule[], options: SarifOptions): SarifLog {
  const index = new Map(rules.map((rule, position) => [rule.id, position]))
  const results = findings.map((finding): SarifResult => {
    const ruleIndex = index.get(finding.ruleId)
    if (ruleIndex === undefined) throw new Error(`Finding for unknown rule ${finding.ruleId}`)
    return {
      ruleId: finding.ruleId,
      ruleIndex,
      level: LEVEL[finding.severity],
      // The finding's text names resources and principals read from the account: escaped (escapeSarifText).
      message: {text: escapeSarifText(`${finding.title}. ${finding.evidence} Fix: ${finding.fix}`)},
      locations: locationsOf(finding, options.fallbackFile),
      partialFingerprints: {[FINGERPRINT_KEY]: fingerprintOf(finding)},
      properties: {severity: finding.severity, resource: finding.resource, ...(finding.principal ? {principal: finding.principal} : {})},
    }
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{tool: {driver: {name: 'lakegov', ...(options.informationUri ? {informationUri: options.informationUri} : {}), version: options.version, rules: rules.map(renderRule)}}, results}],
  }
}
