import type {DataLakeSettings} from './model/lake'
import {iamArnOf, isSamePrincipal} from './model/principal'

/**
 * Why a plan or audit read by this caller may be incomplete, or undefined when it is complete.
 * ListPermissions returns only the grants the caller may see (Lake Formation Developer Guide,
 * "Viewing database and table permissions": admins and read-only admins see all), so a result
 * read by anyone else can miss grants, and a plan could then grant or prune the wrong things.
 */
export function incompleteViewWarning(callerArn: string, settings: Pick<DataLakeSettings, 'admins' | 'readOnlyAdmins'>, what: 'plan' | 'audit'): string | undefined {
  const sees = [...settings.admins, ...settings.readOnlyAdmins].some((admin) => isSamePrincipal(admin, callerArn))
  if (sees) return undefined
  const caller = iamArnOf(callerArn) ?? callerArn
  return `This ${what} may be incomplete: the caller ${caller} is not a data lake administrator or read-only administrator, and Lake Formation lists only the grants the caller may see. Run it as an admin (lakegov doctor tells who is).`
}
