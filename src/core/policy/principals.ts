/** The kinds of principal a policy file may name. */
export type PrincipalKind = 'iam' | 'account' | 'organization' | 'ou' | 'federated-group' | 'iam-allowed-principals'

const PATTERNS: ReadonlyArray<readonly [PrincipalKind, RegExp]> = [
  ['iam-allowed-principals', /^IAM_ALLOWED_PRINCIPALS$/],
  ['account', /^\d{12}$/],
  ['iam', /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/],
  ['federated-group', /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+:(group|user)\/.+$/],
  ['federated-group', /^arn:aws[a-z-]*:identitystore:::(group|user)\/[\w-]+$/],
  ['organization', /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/],
  ['ou', /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/],
]

/** What kind of principal an identifier is, or undefined when it is malformed. */
export function principalKind(identifier: string): PrincipalKind | undefined {
  return PATTERNS.find(([, pattern]) => pattern.test(identifier))?.[0]
}

/** Whether a grant to this principal reaches more than named identities (and so needs allowBroad). */
export function isBroadPrincipal(identifier: string): boolean {
  const kind = principalKind(identifier)
  return kind === 'iam-allowed-principals' || kind === 'organization' || kind === 'ou'
}

/** The account a principal belongs to, when it names one. */
export function accountOfPrincipal(identifier: string): string | undefined {
  if (/^\d{12}$/.test(identifier)) return identifier
  return /^arn:aws[a-z-]*:(?:iam|organizations)::(\d{12}):/.exec(identifier)?.[1]
}
