/**
 * lakegov's one IAM policy model:
 * - document.ts: the wire document (AWS's shape), with merge and equality, for writing policies;
 * - policy.ts: the one parser to a normalised policy, for reading them;
 * - match.ts: Action, Resource and Principal matching;
 * - conditions.ts: Condition blocks and policy variables;
 * - evaluate.ts: one set of policies against one request;
 * - combine.ts: identity policies, boundaries and resource policies together;
 * - scope.ts: how far a policy's S3 resources reach.
 */
export * from './combine'
export * from './conditions'
export * from './document'
export * from './evaluate'
export * from './match'
export * from './policy'
export * from './scope'
