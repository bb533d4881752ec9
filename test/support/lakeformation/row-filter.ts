import {invalidInput} from './errors'

/**
 * Row filter expressions as the Lake Formation developer guide, "PartiQL support in row filter
 * expressions" (https://docs.aws.amazon.com/lake-formation/latest/dg/partiql-support.html), allows
 * them:
 * - a simple expression is `<column> <operator> <value>`, with the operators =, >, <, >=, <=, <>,
 *   !=, BETWEEN, IN, LIKE, NOT and IS [NOT] NULL; composite expressions join them with AND and OR,
 *   in parentheses as needed;
 * - "Lake Formation does not allow any user defined or standard PartiQL functions";
 * - "you can't compare columns with other columns": a value is a constant (a string in single
 *   quotes, a number, TRUE or FALSE, or NULL after IS);
 * - the column must be in the table schema (top level, partition or nested: `a.b` names column a);
 *   a column that clashes with a keyword is escaped in double quotes;
 * - "Total length of the expression must be less than 2048 characters".
 * What is refused is refused with InvalidInputException, the code the API reference gives for
 * input that is not valid. Types are not checked against the columns' types.
 */
export const MAX_ROW_FILTER_LENGTH = 2047

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'LIKE', 'IS', 'NULL', 'TRUE', 'FALSE'])
const COMPARISONS = new Set(['=', '>', '<', '>=', '<=', '<>', '!='])

type Token = {kind: 'word'; text: string} | {kind: 'quoted'; text: string} | {kind: 'string'; text: string} | {kind: 'number'; text: string} | {kind: 'symbol'; text: string}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < expression.length) {
    const rest = expression.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }
    const string = /^'(?:[^']|'')*'/.exec(rest)
    const quoted = /^"(?:[^"]|"")+"/.exec(rest)
    const number = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest)
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest)
    const symbol = /^(?:>=|<=|<>|!=|[=<>(),.])/.exec(rest)
    if (string) tokens.push({kind: 'string', text: string[0]})
    else if (quoted) tokens.push({kind: 'quoted', text: quoted[0].slice(1, -1).replaceAll('""', '"')})
    else if (word) tokens.push({kind: 'word', text: word[0]})
    else if (number) tokens.push({kind: 'number', text: number[0]})
    else if (symbol) tokens.push({kind: 'symbol', text: symbol[0]})
    else throw invalidInput(`Row filter expression: unexpected ${JSON.stringify(rest[0])} at character ${i + 1}.`)
    i += (string ?? quoted ?? word ?? number ?? symbol)![0].length
  }
  return tokens
}

/** Checks a FilterExpression; `columns`, when known, are the table's columns (partition keys included). */
export function checkRowFilter(expression: string, columns: readonly string[] | undefined): void {
  if (expression.length > MAX_ROW_FILTER_LENGTH) throw invalidInput(`Row filter expression must be less than 2048 characters; it has ${expression.length}.`)
  const tokens = tokenize(expression)
  let at = 0
  const fail = (what: string): never => {
    const near = tokens[at] === undefined ? 'at the end' : `near ${JSON.stringify(tokens[at].text)}`
    throw invalidInput(`Row filter expression ${JSON.stringify(expression)}: ${what} ${near}.`)
  }
  const peek = () => tokens[at]
  const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.text.toUpperCase() === word
  const isSymbol = (token: Token | undefined, symbol: string) => token?.kind === 'symbol' && token.text === symbol
  const expectWord = (word: string) => (isWord(peek(), word) ? at++ : fail(`expected ${word}`))
  const expectSymbol = (symbol: string) => (isSymbol(peek(), symbol) ? at++ : fail(`expected ${JSON.stringify(symbol)}`))

  const isColumnStart = (token: Token | undefined) => token?.kind === 'quoted' || (token?.kind === 'word' && !KEYWORDS.has(token.text.toUpperCase()))

  const column = (): void => {
    const first = peek()
    if (!isColumnStart(first)) fail('expected a column name')
    at++
    if (isSymbol(peek(), '(')) throw invalidInput(`Row filter expression ${JSON.stringify(expression)}: functions are not allowed (${first.text}).`)
    // A nested column `a.b` is column a of the table schema.
    while (isSymbol(peek(), '.')) {
      at++
      if (!isColumnStart(peek())) fail('expected a nested field name')
      at++
    }
    if (columns !== undefined) {
      const known = first.kind === 'quoted' ? columns.includes(first.text) : columns.some((name) => name.toLowerCase() === first.text.toLowerCase())
      if (!known) throw invalidInput(`Row filter expression ${JSON.stringify(expression)}: column ${first.text} is not in the table.`)
    }
  }

  const value = (): void => {
    const token = peek()
    if (token?.kind === 'string' || token?.kind === 'number' || isWord(token, 'TRUE') || isWord(token, 'FALSE')) {
      at++
      return
    }
    if (isColumnStart(token)) {
      if (isSymbol(tokens[at + 1], '(')) throw invalidInput(`Row filter expression ${JSON.stringify(expression)}: functions are not allowed (${token!.text}).`)
      throw invalidInput(`Row filter expression ${JSON.stringify(expression)}: columns can only be compared with constants, not with other columns (${token!.text}).`)
    }
    fail('expected a constant')
  }

  const predicate = (): void => {
    column()
    const token = peek()
    if (token?.kind === 'symbol' && COMPARISONS.has(token.text)) {
      at++
      return value()
    }
    if (isWord(token, 'IS')) {
      at++
      if (isWord(peek(), 'NOT')) at++
      expectWord('NULL')
      return
    }
    if (isWord(token, 'NOT')) at++
    const operator = peek()
    if (isWord(operator, 'BETWEEN')) {
      at++
      value()
      expectWord('AND')
      return value()
    }
    if (isWord(operator, 'LIKE')) {
      at++
      if (peek()?.kind !== 'string') return value()
      at++
      return
    }
    if (isWord(operator, 'IN')) {
      at++
      expectSymbol('(')
      value()
      while (isSymbol(peek(), ',')) {
        at++
        value()
      }
      expectSymbol(')')
      return
    }
    fail('expected a comparison operator')
  }

  const primary = (): void => {
    if (isWord(peek(), 'NOT')) {
      at++
      return primary()
    }
    if (isSymbol(peek(), '(')) {
      at++
      disjunction()
      expectSymbol(')')
      return
    }
    predicate()
  }
  const conjunction = (): void => {
    primary()
    while (isWord(peek(), 'AND')) {
      at++
      primary()
    }
  }
  const disjunction = (): void => {
    conjunction()
    while (isWord(peek(), 'OR')) {
      at++
      conjunction()
    }
  }

  if (tokens.length === 0) throw invalidInput('Row filter expression is empty; use AllRowsWildcard for every row.')
  disjunction()
  if (at < tokens.length) fail('unexpected input')
}
