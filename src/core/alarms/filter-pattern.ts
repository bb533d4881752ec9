/**
 * CloudWatch Logs filter patterns for JSON log events: a parser to an AST and a pure evaluator over
 * a parsed event (a CloudTrail record).
 *
 * Source: CloudWatch Logs user guide, "Filter pattern syntax for metric filters, subscription
 * filters, filter log events, and Live Tail"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), its
 * sections "Supported regular expressions (regex) syntax" and "Using filter patterns to match terms
 * in JSON log events" (now also its own page, .../logs/matching-terms-json-log-events.html). Where
 * the current page is silent, the earlier edition of the same page (awsdocs/amazon-cloudwatch-logs-
 * user-guide, doc_source/FilterAndPatternSyntax.md, "Filter and Pattern Syntax") is quoted. What
 * neither documents is marked "undocumented" below, and the stricter reading is taken: lakegov
 * refuses a pattern rather than guess how AWS would read it.
 *
 * Only JSON patterns (`{ ... }`) are supported: CloudTrail events are JSON, and the term,
 * space-delimited and bare-regex forms of the page are not what metric filters on a trail use.
 */

/** AWS: "a pattern of up to 1,024 characters" (botocore logs/2014-03-28 FilterPattern, max 1024). */
export const MAX_PATTERN_LENGTH = 1024
/** AWS: "There is a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern". */
export const MAX_REGEXES = 2
/** AWS: "up to three wildcard selectors in a filter pattern with compound expressions". */
export const MAX_WILDCARD_SELECTORS = 3

/** A pattern AWS would refuse (or that lakegov refuses as undocumented), with where the problem is. */
export class FilterPatternError extends Error {
  constructor(
    message: string,
    /** The 1-based character position in the pattern. */
    readonly column: number,
  ) {
    super(`${message} (at character ${column})`)
    this.name = 'FilterPatternError'
  }
}

/** One step of a property selector. */
export type SelectorStep = {kind: 'field'; name: string} | {kind: 'index'; index: number} | {kind: 'wildcard'}

/** A property selector such as `$.users[0].email`. */
export interface Selector {
  /** The selector as written. */
  text: string
  /** Its steps from the root. */
  steps: SelectorStep[]
}

/** The value side of a comparison. */
export type FilterValue =
  /** A string, quoted or not; `*` at its start or end is a wildcard, a lone `*` matches any value. */
  | {kind: 'string'; text: string; quoted: boolean; prefixWildcard: boolean; suffixWildcard: boolean; anyValue: boolean; core: string}
  /** An unquoted number. */
  | {kind: 'number'; text: string; value: number}
  /** A `%regex%` value. */
  | {kind: 'regex'; source: string; regex: RegExp}

/** The comparison operators. */
export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>='

/** What a condition tests about the selected value. */
export type ConditionTest = {kind: 'compare'; operator: ComparisonOperator; value: FilterValue} | {kind: 'is'; what: 'NULL' | 'TRUE' | 'FALSE'} | {kind: 'not-exists'}

/** A node of the expression tree; `start`/`end` are 0-based offsets into the pattern, `parenthesized` counts the parentheses around it. */
export type FilterExpression =
  | {kind: 'or'; operands: FilterExpression[]; start: number; end: number; parenthesized: number}
  | {kind: 'and'; operands: FilterExpression[]; start: number; end: number; parenthesized: number}
  | {kind: 'condition'; selector: Selector; test: ConditionTest; start: number; end: number; parenthesized: number}

/** A parsed pattern. */
export interface FilterPattern {
  /** The pattern as written. */
  text: string
  /** The expression inside the braces. */
  expression: FilterExpression
}

type Token =
  | {kind: '{' | '}' | '(' | ')' | '&&' | '||'; start: number; end: number}
  | {kind: 'operator'; operator: ComparisonOperator; start: number; end: number}
  | {kind: 'selector'; selector: Selector; start: number; end: number}
  | {kind: 'quoted'; text: string; start: number; end: number}
  | {kind: 'regex'; source: string; start: number; end: number}
  | {kind: 'word'; text: string; start: number; end: number}

const fail = (message: string, offset: number): never => {
  throw new FilterPatternError(message, offset + 1)
}

/** AWS: property selectors "are alphanumeric strings that support hyphen ("-") and underscore ("_") characters". */
const FIELD_NAME = /^[A-Za-z0-9_-]+/
/**
 * Unquoted values. AWS: "Strings that consist entirely of alphanumeric characters do not need to be
 * quoted" and "Strings that have unicode and other characters such as '@', '$', '\' etc. must be
 * enclosed in double quotes", while its own examples leave `123.123.*` and `kms.amazonaws.com`
 * unquoted. Undocumented beyond that: lakegov accepts letters, digits, `_ . * + -` and asks for
 * quotes around anything else.
 */
const UNQUOTED = /^[A-Za-z0-9_.*+-]+/
/** AWS: "an integer with an optional + or - sign, a decimal ..., or a number in scientific notation". */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
/**
 * AWS: regex may contain letters and digits, the symbols `: _ # = @ / ; , -`, and the operators
 * `^ $ ? [ ] { } | \ * + .`; "The ( and ) operators are not supported" and "Multi-byte characters
 * are not supported". The page's own examples contain spaces (`%^starting|^initializing|^shutting down%`).
 */
const REGEX_CHARACTERS = /^[A-Za-z0-9:_#=@/;,\- ^$?[\]{}|\\*+.]$/

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    const char = text[at]
    if (/\s/.test(char)) {
      at++
      continue
    }
    const start = at
    const two = text.slice(at, at + 2)
    if (char === '{' || char === '}' || char === '(' || char === ')') {
      tokens.push({kind: char, start, end: ++at})
    } else if (two === '&&' || two === '||') {
      tokens.push({kind: two, start, end: (at += 2)})
    } else if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({kind: 'operator', operator: two, start, end: (at += 2)})
    } else if (char === '=' || char === '<' || char === '>') {
      tokens.push({kind: 'operator', operator: char, start, end: ++at})
    } else if (char === '&' || char === '|' || char === '!') {
      fail(`"${char}" is not an operator: use &&, || or !=`, at)
    } else if (char === '$') {
      const {selector, end} = readSelector(text, at)
      tokens.push({kind: 'selector', selector, start, end})
      at = end
    } else if (char === '"') {
      // Undocumented: escapes inside quotes. lakegov reads none; the string ends at the next quote.
      const close = text.indexOf('"', at + 1)
      if (close < 0) fail('this quoted string is never closed', at)
      tokens.push({kind: 'quoted', text: text.slice(at + 1, close), start, end: (at = close + 1)})
    } else if (char === '%') {
      const close = text.indexOf('%', at + 1)
      if (close < 0) fail('this regex is never closed: surround it with % on both sides', at)
      tokens.push({kind: 'regex', source: text.slice(at + 1, close), start, end: (at = close + 1)})
    } else {
      const word = UNQUOTED.exec(text.slice(at))?.[0]
      if (!word) fail(`"${char}" must be inside double quotes`, at)
      tokens.push({kind: 'word', text: word!, start, end: (at += word!.length)})
    }
  }
  return tokens
}

function readSelector(text: string, start: number): {selector: Selector; end: number} {
  const steps: SelectorStep[] = []
  let at = start + 1
  for (;;) {
    const rest = text.slice(at)
    if (rest.startsWith(".['")) {
      // AWS: "If the JSON property contains a period ("."), then the bracket notation may be used": `$.['cluster.name']`.
      const close = text.indexOf("']", at + 3)
      if (close < 0) fail("this bracket property is never closed: write $.['name']", at)
      const name = text.slice(at + 3, close)
      if (name === '') fail('an empty property name', at)
      steps.push({kind: 'field', name})
      at = close + 2
    } else if (rest.startsWith('.*')) {
      steps.push({kind: 'wildcard'})
      at += 2
    } else if (rest.startsWith('.')) {
      const name = FIELD_NAME.exec(rest.slice(1))?.[0]
      if (!name) fail('a property name (letters, digits, "-" and "_") must follow "."', at + 1)
      steps.push({kind: 'field', name: name!})
      at += 1 + name!.length
    } else if (rest.startsWith('[*]')) {
      steps.push({kind: 'wildcard'})
      at += 3
    } else if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest)
      if (!index) fail('an array index must be a number, as in [0], or [*]', at)
      if (steps.length === 0) fail('an array index must follow a property ("Array elements ... must follow a property")', at)
      steps.push({kind: 'index', index: Number(index![1])})
      at += index![0].length
    } else {
      break
    }
  }
  if (steps.length === 0) fail('a property selector starts with "$." and names a property, as in $.eventName', start)
  // AWS: "You can only use up to one wildcard selector in a property selector."
  if (steps.filter((step) => step.kind === 'wildcard').length > 1) fail('a property selector may use only one wildcard (* or [*])', start)
  return {selector: {text: text.slice(start, at), steps}, end: at}
}

/** Checks parentheses before parsing, so that the error names the unbalanced one. Quotes and regexes are skipped. */
function checkParentheses(tokens: Token[]): void {
  const open: number[] = []
  for (const token of tokens) {
    if (token.kind === '(') open.push(token.start)
    if (token.kind === ')' && open.pop() === undefined) fail('unbalanced parentheses: this ")" closes nothing', token.start)
  }
  if (open.length > 0) fail('unbalanced parentheses: this "(" is never closed', open[open.length - 1])
}

class Parser {
  private index = 0
  regexes = 0
  wildcardSelectors = 0

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.index]
  }

  private next(expected: string): Token {
    const token = this.tokens[this.index++]
    if (!token) fail(`the pattern ends where ${expected} was expected`, this.text.trimEnd().length - 1)
    return token
  }

  parsePattern(): FilterExpression {
    const open = this.next('"{"')
    if (open.kind !== '{') fail('lakegov evaluates JSON filter patterns only: enclose the pattern in { }', open.start)
    if (this.peek()?.kind === '}') fail('an empty JSON pattern: write a condition such as $.eventName = "ConsoleLogin" between the braces', this.peek()!.start)
    const expression = this.parseOr()
    const close = this.next('"}"')
    if (close.kind !== '}') fail(`unexpected ${describe(close)}: expected &&, || or "}"`, close.start)
    const extra = this.peek()
    if (extra) fail(`unexpected ${describe(extra)} after the closing "}"`, extra.start)
    return expression
  }

  private parseOr(): FilterExpression {
    return this.parseChain('||', () => this.parseAnd())
  }

  private parseAnd(): FilterExpression {
    return this.parseChain('&&', () => this.parsePrimary())
  }

  private parseChain(operator: '&&' | '||', operand: () => FilterExpression): FilterExpression {
    const first = operand()
    const operands = [first]
    while (this.peek()?.kind === operator) {
      this.index++
      operands.push(operand())
    }
    if (operands.length === 1) return first
    const span = {operands, start: first.start, end: operands[operands.length - 1].end, parenthesized: 0}
    return operator === '&&' ? {kind: 'and', ...span} : {kind: 'or', ...span}
  }

  private parsePrimary(): FilterExpression {
    const token = this.next('a condition')
    if (token.kind === '(') {
      const inner = this.parseOr()
      const close = this.next('")"')
      if (close.kind !== ')') fail(`unexpected ${describe(close)}: expected &&, || or ")"`, close.start)
      return {...inner, start: token.start, end: close.end, parenthesized: inner.parenthesized + 1}
    }
    if (token.kind !== 'selector') fail(`unexpected ${describe(token)}: a condition starts with a property selector such as $.eventName`, token.start)
    const selector = (token as Extract<Token, {kind: 'selector'}>).selector
    if (selector.steps.some((step) => step.kind === 'wildcard')) {
      this.wildcardSelectors++
      if (this.wildcardSelectors > MAX_WILDCARD_SELECTORS) fail(`more than ${MAX_WILDCARD_SELECTORS} wildcard selectors in one pattern (AWS allows up to three)`, token.start)
    }
    const test = this.parseTest()
    return {kind: 'condition', selector, test: test.test, start: token.start, end: test.end, parenthesized: 0}
  }

  private parseTest(): {test: ConditionTest; end: number} {
    const token = this.next('an operator, IS or NOT EXISTS')
    if (token.kind === 'word') {
      const keyword = token.text
      // Undocumented: keywords in lower case. AWS's page writes them in capitals; lakegov refuses others.
      if (/^(is|not|exists)$/i.test(keyword) && keyword !== keyword.toUpperCase()) fail(`write ${keyword.toUpperCase()} in capitals`, token.start)
      if (keyword === 'EXISTS') fail('EXISTS is not supported (AWS: "The variables IS NOT and EXISTS currently aren\'t supported"); $.field = * matches any value', token.start)
      if (keyword === 'IS') {
        const what = this.next('NULL, TRUE or FALSE after IS')
        if (what.kind === 'word' && what.text === 'NOT') fail('IS NOT is not supported (AWS: "The variables IS NOT and EXISTS currently aren\'t supported"); use != or NOT EXISTS', token.start)
        if (what.kind !== 'word' || !['NULL', 'TRUE', 'FALSE'].includes(what.text)) fail('IS must be followed by NULL, TRUE or FALSE', what.start)
        return {test: {kind: 'is', what: (what as Extract<Token, {kind: 'word'}>).text as 'NULL' | 'TRUE' | 'FALSE'}, end: what.end}
      }
      if (keyword === 'NOT') {
        const what = this.next('EXISTS after NOT')
        if (what.kind !== 'word' || what.text !== 'EXISTS') fail('NOT must be followed by EXISTS', what.start)
        return {test: {kind: 'not-exists'}, end: what.end}
      }
    }
    if (token.kind !== 'operator') fail(`unexpected ${describe(token)}: expected =, !=, <, >, <=, >=, IS or NOT EXISTS`, token.start)
    const operator = (token as Extract<Token, {kind: 'operator'}>).operator
    const valueToken = this.next(`a value after ${operator}`)
    const value = this.parseValue(valueToken, operator)
    return {test: {kind: 'compare', operator, value}, end: valueToken.end}
  }

  private parseValue(token: Token, operator: ComparisonOperator): FilterValue {
    const numeric = operator !== '=' && operator !== '!='
    if (token.kind === 'regex') {
      if (numeric) fail(`a regex can only be compared with = or !=, not ${operator}`, token.start)
      this.regexes++
      if (this.regexes > MAX_REGEXES) fail(`more than ${MAX_REGEXES} regexes in one pattern (AWS: "a limit of 2 regex for each filter pattern")`, token.start)
      return {kind: 'regex', source: token.source, regex: compileRegex(token.source, token.start + 1)}
    }
    if (token.kind === 'word' && NUMBER.test(token.text)) return {kind: 'number', text: token.text, value: Number(token.text)}
    if (numeric) fail(`${operator} compares numbers: ${describe(token)} is not a number`, token.start)
    if (token.kind === 'quoted' || token.kind === 'word') return stringValue(token.text, token.kind === 'quoted')
    return fail(`unexpected ${describe(token)}: expected a value`, token.start)
  }
}

/**
 * AWS: "You can use the asterisk '*' wildcard character to match any text at, before, or after a
 * search term. For example, *Event will match PutEvent and GetEvent. Event* will match EventId and
 * EventName. Ev*ent will only match the actual string Ev*ent." (earlier edition of the page). A lone
 * `*` matches any value (`{ $.latency = * }`, "Publishing numerical values found in log entries").
 */
function stringValue(text: string, quoted: boolean): FilterValue {
  const anyValue = /^\*+$/.test(text)
  const prefixWildcard = !anyValue && text.startsWith('*')
  const suffixWildcard = !anyValue && text.length > 1 && text.endsWith('*')
  const core = anyValue ? '' : text.slice(prefixWildcard ? 1 : 0, suffixWildcard ? -1 : undefined)
  return {kind: 'string', text, quoted, prefixWildcard, suffixWildcard, anyValue, core}
}

/** Compiles a `%regex%` body after checking it against the characters and operators AWS supports. */
function compileRegex(source: string, offset: number): RegExp {
  if (source === '') fail('an empty regex', offset - 1)
  for (let at = 0; at < source.length; at++) {
    const char = source[at]
    if (char === '(' || char === ')') fail('"(" and ")" are not supported in a regex (AWS: "You cannot use parentheses to define a subpattern"); use \\x28 and \\x29 to match them', offset + at)
    if (char.charCodeAt(0) > 127) fail('multi-byte characters are not supported in a regex', offset + at)
    if (!REGEX_CHARACTERS.test(char)) fail(`"${char}" is not supported in a regex; match it with \\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`, offset + at)
  }
  // AWS: "{m, n} ... Either m or n can be omitted". JavaScript needs {0,n} for an omitted minimum.
  const translated = source.replace(/\{\s*(\d*)\s*,\s*(\d*)\s*\}/g, (_, min: string, max: string) => `{${min || '0'},${max}}`)
  try {
    return new RegExp(translated)
  } catch (error) {
    return fail(`invalid regex: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`, offset - 1)
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'operator':
      return `"${token.operator}"`
    case 'selector':
      return `"${token.selector.text}"`
    case 'quoted':
      return `the string "${token.text}"`
    case 'regex':
      return `"%${token.source}%"`
    case 'word':
      return `"${token.text}"`
    default:
      return `"${token.kind}"`
  }
}

/**
 * Parses a JSON filter pattern. Throws FilterPatternError, with the 1-based character position, for
 * what AWS refuses: a pattern over 1,024 characters, unbalanced parentheses, IS NOT, EXISTS, more
 * than two regexes, more than one wildcard per selector or three per pattern, unsupported regex
 * characters; and for what lakegov cannot read (non-JSON patterns, undocumented forms).
 */
export function parseFilterPattern(text: string): FilterPattern {
  const length = [...text].length
  if (length > MAX_PATTERN_LENGTH) throw new FilterPatternError(`the pattern has ${length} characters; AWS allows up to ${MAX_PATTERN_LENGTH}`, MAX_PATTERN_LENGTH + 1)
  const tokens = tokenize(text)
  if (tokens.length === 0) throw new FilterPatternError('the pattern is empty', 1)
  checkParentheses(tokens)
  const parser = new Parser(text, tokens)
  return {text, expression: parser.parsePattern()}
}

/** A JSON value as JSON.parse returns it. */
type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

/** The values a selector reaches in an event: none when the path does not exist. */
export function selectValues(event: unknown, selector: Selector): unknown[] {
  let current: unknown[] = [event]
  for (const step of selector.steps) {
    const nextValues: unknown[] = []
    for (const value of current) {
      if (step.kind === 'field') {
        if (isObject(value) && Object.prototype.hasOwnProperty.call(value, step.name)) nextValues.push(value[step.name])
      } else if (step.kind === 'index') {
        // AWS: "If arrayKey is not an array this will be false."
        if (Array.isArray(value) && step.index < value.length) nextValues.push(value[step.index])
      } else if (Array.isArray(value)) {
        nextValues.push(...value)
      } else if (isObject(value)) {
        // AWS: "You can use the JSON wildcard to select any array element or any JSON object field."
        nextValues.push(...Object.values(value))
      }
    }
    current = nextValues
  }
  return current
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * AWS: "The SELECTOR must point to a value node (string or number) in the JSON. If it points to an
 * array or object, the filter will not be applied ... both {$.users = 1} and {$.users != 1} will
 * fail to match". So every comparison, `!=` included, is false for a missing field, an object, an
 * array, and (undocumented; `IS NULL`/`IS TRUE`/`IS FALSE` exist for them) null and booleans.
 */
function compareValue(value: unknown, operator: ComparisonOperator, expected: FilterValue): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false
  if (operator !== '=' && operator !== '!=') {
    if (typeof value !== 'number' || expected.kind !== 'number') return false
    if (operator === '<') return value < expected.value
    if (operator === '>') return value > expected.value
    if (operator === '<=') return value <= expected.value
    return value >= expected.value
  }
  const equal = equalsValue(value, expected)
  return operator === '=' ? equal : !equal
}

function equalsValue(value: string | number, expected: FilterValue): boolean {
  const text = String(value)
  if (expected.kind === 'number') return typeof value === 'number' ? value === expected.value : text === expected.text
  if (expected.kind === 'regex') return expected.regex.test(text)
  if (expected.anyValue) return true
  if (expected.prefixWildcard && expected.suffixWildcard) return text.includes(expected.core)
  if (expected.prefixWildcard) return text.endsWith(expected.core)
  if (expected.suffixWildcard) return text.startsWith(expected.core)
  return text === expected.core
}

function evaluateExpression(expression: FilterExpression, event: unknown): boolean {
  if (expression.kind === 'or') return expression.operands.some((operand) => evaluateExpression(operand, event))
  if (expression.kind === 'and') return expression.operands.every((operand) => evaluateExpression(operand, event))
  const values = selectValues(event, expression.selector)
  const {test} = expression
  // Undocumented: a wildcard selector matches when any value it selects matches; NOT EXISTS when it selects none.
  if (test.kind === 'not-exists') return values.length === 0
  if (test.kind === 'is') return values.some((value) => (test.what === 'NULL' ? value === null : value === (test.what === 'TRUE')))
  return values.some((value) => compareValue(value, test.operator, test.value))
}

/** Whether a parsed pattern matches a parsed JSON event. */
export function matchesEvent(pattern: FilterPattern, event: unknown): boolean {
  return evaluateExpression(pattern.expression, event)
}

/** The source text of a node, as written in the pattern. */
export function sourceOf(pattern: FilterPattern, node: FilterExpression): string {
  return pattern.text.slice(node.start, node.end)
}
