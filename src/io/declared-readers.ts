import {declaredReaders} from '../core/alarms/readers'
import type {LakeConfig} from '../core/lake/config'
import {loadDesiredState} from './policy-files'

/**
 * The declared readers of the log tables, from the grants files beside lake.yaml; undefined when
 * there are none or they do not parse (grants validate reports why): the alarms then leave the
 * reader rule out and say so, rather than fail a bootstrap that does not otherwise need them.
 */
export async function loadDeclaredReaders(policiesDir: string, config: LakeConfig): Promise<string[] | undefined> {
  try {
    const {state} = await loadDesiredState(policiesDir)
    return declaredReaders(state.grants, config.database, config.admins)
  } catch {
    return undefined
  }
}
