import {loadSharedConfigFiles} from '@smithy/core/config'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'

/**
 * Sections of ~/.aws/config that are not profiles. The SDK's loader strips `profile ` from profile
 * sections and keeps the others as `<type>.<name>` (AWS CLI docs, "Configuration and credential
 * file settings": `[sso-session NAME]`, `[services NAME]`).
 */
const NON_PROFILE_SECTIONS = ['sso-session.', 'services.']

/** The profiles ~/.aws/config and ~/.aws/credentials define (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE honoured), read with the SDK's own loader. */
export async function listProfiles(): Promise<string[]> {
  const {configFile, credentialsFile} = await loadSharedConfigFiles({ignoreCache: true})
  const names = [...Object.keys(configFile), ...Object.keys(credentialsFile)].filter((name) => !NON_PROFILE_SECTIONS.some((prefix) => name.startsWith(prefix)))
  return [...new Set(names)].sort()
}

/**
 * Refuses a profile that no shared file defines, naming the profiles that exist, instead of the
 * SDK's "could not load credentials" after the first call. `source` says where the name came from:
 * the --profile flag is a usage error (64), AWS_PROFILE a credentials setup problem (4).
 */
export async function checkProfileExists(name: string, source: '--profile' | 'AWS_PROFILE'): Promise<void> {
  const profiles = await listProfiles()
  if (profiles.includes(name)) return
  const named = source === '--profile' ? `--profile ${name}` : `AWS_PROFILE=${name}`
  throw new LakegovError(`${named}: no profile named "${name}" in ~/.aws/config or ~/.aws/credentials.`, {
    exitCode: source === '--profile' ? ExitCode.Usage : ExitCode.AwsAccess,
    code: 'AWS_PROFILE_NOT_FOUND',
    suggestions: [
      profiles.length > 0 ? `Profiles that exist: ${profiles.join(', ')}.` : 'No profiles are defined: run `aws configure --profile NAME` or `aws configure sso` to create one.',
      'The files are read from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE when set.',
    ],
  })
}
