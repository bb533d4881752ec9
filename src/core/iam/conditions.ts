/**
 * Condition blocks and policy variables, three-valued: a test is true, false, or unknown when it
 * depends on what lakegov cannot know. Sources, all in the IAM User Guide:
 * - "IAM JSON policy elements: Condition operators"
 *   (reference_policies_elements_condition_operators.html): "If the key that you specify in a policy
 *   condition is not present in the request context, the values do not match and the condition is
 *   false. If the policy condition requires that the key is not matched, such as StringNotLike or
 *   ArnNotLike, and the right key is not present, the condition is true." ...IfExists: "If the key
 *   is not present, evaluate the condition element as true." Null: true when the key is absent.
 * - "Conditions with multiple context keys or values": operators and keys AND, values OR, and a
 *   negated operator's values NOR; ForAllValues is true when the key is absent, ForAnyValue false.
 * - "IAM policy elements: Variables and tags" (reference_policies_variables.html): variables work
 *   in Resource and in the values of string and ARN operators, only under Version 2012-10-17; a
 *   variable with no value matches nothing under StringEquals/StringLike and matches under the
 *   negated operators; `${key, 'default'}` supplies a default; ${*}, ${?} and ${$} are the literal
 *   characters.
 *
 * A context says, per key, its values (present), null (known to be absent), or nothing (unknown).
 */

/** What is known of a condition key: its values, null when it is known to be absent. */
export type ContextValue = string | readonly string[] | null

/** Known condition keys; keys compare case-insensitively, as IAM does. A key not listed is unknown. */
export type ConditionContext = Readonly<Record<string, ContextValue>>

/** Whether a condition holds: 'unknown' when it depends on keys or operators the evaluator cannot decide. */
export type Truth = 'true' | 'false' | 'unknown'

/** A truth with the reasons it is unknown. */
export interface Verdict {
  /** The truth. */
  truth: Truth
  /** Why it is unknown; empty unless truth is 'unknown'. */
  reasons: string[]
}

/** The values of a key: an array when present, null when known absent, undefined when unknown. */
export function contextValues(context: ConditionContext | undefined, key: string): readonly string[] | null | undefined {
  if (!context) return undefined
  const lower = key.toLowerCase()
  for (const [name, value] of Object.entries(context)) {
    if (name.toLowerCase() !== lower) continue
    return value === null ? null : typeof value === 'string' ? [value] : value
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Policy variables

/** A value with its policy variables resolved: text with literal spans, null for "no value", or unknown. */
type Resolved = {kind: 'text'; parts: Array<{text: string; literal: boolean}>} | {kind: 'null'} | {kind: 'unknown'; reason: string}

const VARIABLE = /\$\{([^}]*)\}/g
const SPECIAL: Record<string, string> = {'*': '*', '?': '?', $: '$'}

/** Resolves the policy variables in a value; `literal` marks text that came from a variable (no wildcards in it). */
export function resolveVariables(value: string, context: ConditionContext | undefined): Resolved {
  const parts: Array<{text: string; literal: boolean}> = []
  let last = 0
  for (const match of value.matchAll(VARIABLE)) {
    parts.push({text: value.slice(last, match.index), literal: false})
    last = match.index! + match[0].length
    const inner = match[1].trim()
    if (SPECIAL[inner] !== undefined) {
      parts.push({text: SPECIAL[inner], literal: true})
      continue
    }
    const [, name, fallback] = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(inner) ?? [undefined, inner, undefined]
    const values = contextValues(context, name)
    if (values === undefined) return {kind: 'unknown', reason: `the value of policy variable \${${name}} is not known`}
    if (values === null || values.length === 0) {
      if (fallback === undefined) return {kind: 'null'}
      parts.push({text: fallback, literal: true})
      continue
    }
    if (values.length > 1) return {kind: 'unknown', reason: `\${${name}} has several values; a variable must be single-valued`}
    parts.push({text: values[0], literal: true})
  }
  parts.push({text: value.slice(last), literal: false})
  return {kind: 'text', parts}
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&')
}

function likeRegex(parts: Array<{text: string; literal: boolean}>, ignoreCase: boolean): RegExp {
  const body = parts.map((part) => (part.literal ? escapeRegex(part.text) : part.text.replace(/[.+^${}()|[\]\\*?]/g, (char) => (char === '*' ? '.*' : char === '?' ? '.' : `\\${char}`)))).join('')
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
}

// ---------------------------------------------------------------------------------------------
// Operators

type Compare = 'equals' | 'equals-ignore-case' | 'like'

interface Operator {
  compare?: Compare
  negated: boolean
  /** Whether policy variables are resolved in its values (string and ARN operators). */
  variables: boolean
}

const OPERATORS: Record<string, Operator> = {
  StringEquals: {compare: 'equals', negated: false, variables: true},
  StringNotEquals: {compare: 'equals', negated: true, variables: true},
  StringEqualsIgnoreCase: {compare: 'equals-ignore-case', negated: false, variables: true},
  StringNotEqualsIgnoreCase: {compare: 'equals-ignore-case', negated: true, variables: true},
  StringLike: {compare: 'like', negated: false, variables: true},
  StringNotLike: {compare: 'like', negated: true, variables: true},
  ArnEquals: {compare: 'like', negated: false, variables: true},
  ArnLike: {compare: 'like', negated: false, variables: true},
  ArnNotEquals: {compare: 'like', negated: true, variables: true},
  ArnNotLike: {compare: 'like', negated: true, variables: true},
  Bool: {compare: 'equals-ignore-case', negated: false, variables: false},
  // Decidable here only when the key is absent: lakegov's contexts hold no numbers, dates or addresses.
  NumericEquals: {negated: false, variables: false},
  NumericNotEquals: {negated: true, variables: false},
  NumericLessThan: {negated: false, variables: false},
  NumericLessThanEquals: {negated: false, variables: false},
  NumericGreaterThan: {negated: false, variables: false},
  NumericGreaterThanEquals: {negated: false, variables: false},
  DateEquals: {negated: false, variables: false},
  DateNotEquals: {negated: true, variables: false},
  DateLessThan: {negated: false, variables: false},
  DateLessThanEquals: {negated: false, variables: false},
  DateGreaterThan: {negated: false, variables: false},
  DateGreaterThanEquals: {negated: false, variables: false},
  IpAddress: {negated: false, variables: false},
  NotIpAddress: {negated: true, variables: false},
  BinaryEquals: {negated: false, variables: false},
}

function not(truth: Truth): Truth {
  return truth === 'true' ? 'false' : truth === 'false' ? 'true' : 'unknown'
}

function anyOf(truths: Iterable<Truth>): Truth {
  let result: Truth = 'false'
  for (const truth of truths) {
    if (truth === 'true') return 'true'
    if (truth === 'unknown') result = 'unknown'
  }
  return result
}

function allOf(truths: Iterable<Truth>): Truth {
  let result: Truth = 'true'
  for (const truth of truths) {
    if (truth === 'false') return 'false'
    if (truth === 'unknown') result = 'unknown'
  }
  return result
}

/** Whether one policy value matches one request value. */
function valueMatches(operator: Operator, expected: string, actual: string, context: ConditionContext | undefined, variables: boolean, reasons: string[]): Truth {
  let parts: Array<{text: string; literal: boolean}> = [{text: expected, literal: false}]
  if (operator.variables && variables && expected.includes('${')) {
    const resolved = resolveVariables(expected, context)
    if (resolved.kind === 'unknown') {
      reasons.push(resolved.reason)
      return 'unknown'
    }
    // "There is no equal or like value" for a variable with no value.
    if (resolved.kind === 'null') return 'false'
    parts = resolved.parts
  }
  switch (operator.compare) {
    case 'equals': {
      return parts.map((part) => part.text).join('') === actual ? 'true' : 'false'
    }
    case 'equals-ignore-case': {
      return parts.map((part) => part.text).join('').toLowerCase() === actual.toLowerCase() ? 'true' : 'false'
    }
    default: {
      return likeRegex(parts, false).test(actual) ? 'true' : 'false'
    }
  }
}

function evaluateTest(operatorName: string, key: string, expected: readonly string[], context: ConditionContext | undefined, variables: boolean): Verdict {
  const at = `${operatorName} ${key}`
  if (operatorName === 'Null') {
    const actual = contextValues(context, key)
    if (actual === undefined) return {truth: 'unknown', reasons: [`${at}: whether the key is present is not known`]}
    const absent = actual === null || actual.length === 0
    return {truth: anyOf(expected.map((value) => ((value.toLowerCase() === 'true') === absent ? 'true' : 'false'))), reasons: []}
  }
  const [, setOperator, bare, ifExists] = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operatorName) ?? []
  const operator = OPERATORS[bare]
  if (!operator) return {truth: 'unknown', reasons: [`${at}: lakegov does not know the operator ${operatorName}`]}
  const actual = contextValues(context, key)
  if (actual === undefined) return {truth: 'unknown', reasons: [`${at}: the value of ${key} is not known`]}
  if (actual === null || actual.length === 0) {
    if (ifExists || setOperator === 'ForAllValues') return {truth: 'true', reasons: []}
    if (setOperator === 'ForAnyValue') return {truth: 'false', reasons: []}
    return {truth: operator.negated ? 'true' : 'false', reasons: []}
  }
  if (!operator.compare) return {truth: 'unknown', reasons: [`${at}: lakegov does not compare ${bare} values`]}
  const reasons: string[] = []
  const holdsFor = (value: string): Truth => {
    const matched = anyOf(expected.map((candidate) => valueMatches(operator, candidate, value, context, variables, reasons)))
    return operator.negated ? not(matched) : matched
  }
  const truth = setOperator === 'ForAllValues' ? allOf(actual.map(holdsFor)) : anyOf(actual.map(holdsFor))
  return {truth, reasons: truth === 'unknown' ? reasons.map((reason) => `${at}: ${reason}`) : []}
}

/**
 * Whether a condition block holds: every operator and every key must (AND); unknown when a test
 * cannot be decided. `variables` is false for documents older than Version 2012-10-17, whose
 * ${...} are literal text.
 */
export function evaluateCondition(condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> | undefined, context?: ConditionContext, variables = true): Verdict {
  if (!condition) return {truth: 'true', reasons: []}
  const verdicts: Verdict[] = []
  for (const [operator, keys] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(keys)) {
      const verdict = evaluateTest(operator, key, expected, context, variables)
      if (verdict.truth === 'false') return verdict
      verdicts.push(verdict)
    }
  }
  const truth = allOf(verdicts.map((verdict) => verdict.truth))
  return {truth, reasons: truth === 'unknown' ? verdicts.flatMap((verdict) => verdict.reasons) : []}
}
