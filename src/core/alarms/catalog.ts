import type {LakeConfig} from '../lake/config'
import {CIS_CONTROLS} from './cis'
import {buildLakeRules} from './lake-rules'
import {ALARM_SETS, type NamedPattern} from './types'

/**
 * Every pattern lake.yaml asks for: the built-in sets it names (both when it has no `alarms:`
 * section, which is what the section gives by default), then its custom alarms in file order.
 * `readers` are the declared readers of the log tables (core/alarms/readers), from the grants files.
 */
export function patternsForLake(config: LakeConfig, readers?: readonly string[]): {patterns: NamedPattern[]; notes: string[]} {
  const sets = config.alarms?.sets ?? ALARM_SETS
  const patterns: NamedPattern[] = []
  const notes: string[] = []
  if (sets.includes('cis')) patterns.push(...CIS_CONTROLS.map((control) => ({name: control.id, set: 'cis' as const, pattern: control.pattern})))
  if (sets.includes('lake')) {
    const encryption = config.bucket.encryption
    const lake = buildLakeRules({bucket: config.bucket.name, trailName: config.trail?.name, kmsKey: encryption.type === 'aws:kms' ? encryption.kmsKeyArn : undefined, database: config.database, readers})
    patterns.push(...lake.rules.map((rule) => ({name: rule.name, set: 'lake' as const, pattern: rule.pattern})))
    notes.push(...lake.notes)
  }
  patterns.push(...(config.alarms?.custom ?? []).map((alarm) => ({name: alarm.name, set: 'custom' as const, pattern: alarm.pattern})))
  return {patterns, notes}
}
