import fc from 'fast-check'

import {FilterPatternError, matchesEvent, parseFilterPattern} from '../../src/core/alarms/filter-pattern'

/**
 * Every example of the CloudWatch Logs user guide page "Filter pattern syntax for metric filters,
 * subscription filters, filter log events, and Live Tail"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, with its
 * JSON part also at .../logs/matching-terms-json-log-events.html), and the JSON examples of the
 * page's earlier edition ("Filter and Pattern Syntax", awsdocs/amazon-cloudwatch-logs-user-guide,
 * doc_source/FilterAndPatternSyntax.md) that the current one dropped.
 */

const matches = (pattern: string, event: unknown) => matchesEvent(parseFilterPattern(pattern), event)

function refusal(pattern: string): {message: string; column: number} {
  try {
    parseFilterPattern(pattern)
  } catch (error) {
    if (error instanceof FilterPatternError) return {message: error.message, column: error.column}
    throw error
  }
  throw new Error(`expected ${pattern} to be refused`)
}

// The page's "JSON log event".
const EVENT = {
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    {name: 'a', id: 1},
    {name: 'b', id: 2},
  ],
  SomeObject: null,
  'cluster.name': 'c',
}

// The page's "JSON object" for compound expressions.
const COMPOUND = {
  user: {id: 1, email: 'John.Stiles@example.com'},
  users: [
    {id: 2, email: 'John.Doe@example.com'},
    {id: 3, email: 'Jane.Doe@example.com'},
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
}

describe('JSON filter patterns: the page\'s examples on its JSON log event', () => {
  it.each([
    ['{ $.eventType = "UpdateTrail" }'],
    ['{ $.sourceIPAddress != 123.123.* }'],
    ['{ $.arrayKey[0] = "value" }'],
    ['{ $.eventType = %Trail% }'],
    ['{ $.arrayKey[*] = %val.{2}% }'],
    ['{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }'],
    ["{ $.['cluster.name'] = \"c\" }"],
    ['{ $.SomeObject IS NULL }'],
    ['{ $.SomeOtherObject NOT EXISTS }'],
  ])('%s matches', (pattern) => {
    expect(matches(pattern, EVENT)).toBe(true)
  })

  it.each([
    // The same examples, each changed so that the event no longer satisfies it.
    ['{ $.eventType = "updatetrail" }', 'values are case sensitive'],
    ['{ $.sourceIPAddress != 111.111.* }', 'the address is in 111.111.*'],
    ['{ $.arrayKey[1] = "value" }', 'the second element is "another value"'],
    ['{ $.eventType = %trail% }', 'regexes are case sensitive'],
    ['{ $.arrayKey[*] = %^x% }', 'no element starts with x'],
    ['{ $.* = %^222\\.% }', 'no field holds a 222. address'],
    ['{ $.cluster.name = "c" }', 'without brackets the dot is a path step'],
    ['{ $.eventType IS NULL }', 'eventType is a string'],
    ['{ $.SomeObject NOT EXISTS }', 'SomeObject exists, as null'],
    ['{ $.eventType NOT EXISTS }', 'eventType exists'],
  ])('%s does not match (%s)', (pattern) => {
    expect(matches(pattern, EVENT)).toBe(false)
  })

  it('reads the earlier edition\'s array and object examples: $.objectList[1].id = 2, and false when the path is not there', () => {
    expect(matches('{ $.objectList[1].id = 2 }', EVENT)).toBe(true)
    // "If the items in objectList are not objects or do not have an id property, this will be false."
    expect(matches('{ $.objectList[1].number = 2 }', EVENT)).toBe(false)
    // "If arrayKey is not an array this will be false."
    expect(matches('{ $.eventType[0] = "U" }', EVENT)).toBe(false)
  })
})

describe('JSON filter patterns: numeric comparisons', () => {
  it.each([
    ['{ $.bandwidth > 75 }', {bandwidth: 76}, {bandwidth: 75}],
    ['{ $.latency < 50 }', {latency: 49.9}, {latency: 50}],
    ['{ $.refreshRate >= 60 }', {refreshRate: 60}, {refreshRate: 59}],
    ['{ $.responseTime <= 5 }', {responseTime: 5}, {responseTime: 6}],
    ['{ $.errorCode = 400}', {errorCode: 400}, {errorCode: 401}],
    ['{ $.errorCode != 500 }', {errorCode: 400}, {errorCode: 500}],
    ['{ $.number[0] = 1e+3 }', {number: [1000]}, {number: [1001]}],
    ['{ $.number[0] != 1e-3 }', {number: [0.5]}, {number: [0.001]}],
    // The earlier edition's examples.
    ['{ $.latency >= 500 }', {latency: 500}, {latency: 499}],
    ['{ $.numbers[0] < 10e3 }', {numbers: [9999]}, {numbers: [10000]}],
    ['{ $.numbers[0] < 10e-3 }', {numbers: [0.009]}, {numbers: [0.01]}],
    ['{ $.processes[4].averageRuntime <= 55.5 }', {processes: [{}, {}, {}, {}, {averageRuntime: 55.5}]}, {processes: [{}, {}, {}, {}, {averageRuntime: 55.6}]}],
    ['{ $.latency > +1000 }', {latency: 1001}, {latency: 1000}],
  ])('%s', (pattern, matching, notMatching) => {
    expect(matches(pattern, matching)).toBe(true)
    expect(matches(pattern, notMatching)).toBe(false)
  })

  it('compares numbers only with numbers: a string field, a missing field or an array never satisfies <, >, <= or >=', () => {
    expect(matches('{ $.latency > 10 }', {latency: '20'})).toBe(false)
    expect(matches('{ $.latency > 10 }', {})).toBe(false)
    expect(matches('{ $.latency > 10 }', {latency: [20]})).toBe(false)
  })

  it('matches an unquoted number against a string field by its text (recipientAccountId is a string in CloudTrail)', () => {
    expect(matches('{ $.recipientAccountId = 123456789012 }', {recipientAccountId: '123456789012'})).toBe(true)
    expect(matches('{ $.recipientAccountId = 123456789012 }', {recipientAccountId: '210987654321'})).toBe(false)
  })
})

describe('JSON filter patterns: compound expressions, precedence () > && > ||', () => {
  it.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    // "Expression that matches using OR": && binds first, so the || has a true branch.
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    // The earlier edition's variants with unquoted values.
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(matches(pattern, COMPOUND)).toBe(expected)
  })

  it('builds the tree the precedence says: A || B && C is A || (B && C)', () => {
    const {expression} = parseFilterPattern('{ $.a = 1 || $.b = 1 && $.c = 1 }')
    expect(expression.kind).toBe('or')
    if (expression.kind !== 'or') return
    expect(expression.operands.map((operand) => operand.kind)).toEqual(['condition', 'and'])
  })

  it('reads the earlier edition\'s OR example on {"foo": "bar"} and {"foo": "baz"}', () => {
    expect(matches('{$.foo = bar}', {foo: 'bar'})).toBe(true)
    expect(matches('{$.foo = bar}', {foo: 'baz'})).toBe(false)
    expect(matches('{$.foo = baz }', {foo: 'baz'})).toBe(true)
    expect(matches('{$.foo = bar || $.foo = baz }', {foo: 'bar'})).toBe(true)
    expect(matches('{$.foo = bar || $.foo = baz }', {foo: 'baz'})).toBe(true)
  })
})

describe('JSON filter patterns: values, wildcards, booleans and the selector rules', () => {
  it('treats * at the start or end as a wildcard and in the middle as a literal ("Ev*ent will only match the actual string Ev*ent")', () => {
    expect(matches('{ $.e = *Event }', {e: 'PutEvent'})).toBe(true)
    expect(matches('{ $.e = *Event }', {e: 'GetEvent'})).toBe(true)
    expect(matches('{ $.e = Event* }', {e: 'EventId'})).toBe(true)
    expect(matches('{ $.e = Event* }', {e: 'EventName'})).toBe(true)
    expect(matches('{ $.e = Ev*ent }', {e: 'Ev*ent'})).toBe(true)
    expect(matches('{ $.e = Ev*ent }', {e: 'Event'})).toBe(false)
    expect(matches('{ $.e = "*Denied*" }', {e: 'AccessDeniedException'})).toBe(true)
  })

  it('matches any value with a lone * ({ $.latency = * }), but not a missing field', () => {
    expect(matches('{ $.latency = * }', {latency: 12})).toBe(true)
    expect(matches('{ $.latency = * }', {latency: 'slow'})).toBe(true)
    expect(matches('{ $.latency = * }', {})).toBe(false)
  })

  it('fails both = and != when the selector points to an array or object ("both {$.users = 1} and {$.users != 1} will fail")', () => {
    const event = {users: [1, 2, 3]}
    expect(matches('{$.users = 1}', event)).toBe(false)
    expect(matches('{$.users != 1}', event)).toBe(false)
  })

  it('fails != on a missing field, so that NOT EXISTS is the way to ask for absence', () => {
    expect(matches('{ $.errorCode != "AccessDenied" }', {})).toBe(false)
    expect(matches('{ $.errorCode NOT EXISTS }', {})).toBe(true)
  })

  it('checks booleans and null with IS TRUE, IS FALSE and IS NULL only', () => {
    expect(matches('{ $.ThisFlag IS TRUE }', {ThisFlag: true})).toBe(true)
    expect(matches('{ $.ThisFlag IS TRUE }', {ThisFlag: 'true'})).toBe(false)
    expect(matches('{ $.ThisFlag IS FALSE }', {ThisFlag: false})).toBe(true)
    expect(matches('{ $.ThisFlag IS FALSE }', {})).toBe(false)
    expect(matches('{ $.ThisFlag = true }', {ThisFlag: true})).toBe(false)
    expect(matches('{ $.SomeObject IS NULL }', {})).toBe(false)
  })

  it('is case sensitive in field names and values', () => {
    expect(matches('{ $.EventType = "UpdateTrail" }', EVENT)).toBe(false)
    expect(matches('{ $.eventType = UPDATETRAIL }', EVENT)).toBe(false)
  })

  it('reads quoted and unquoted values alike, and needs quotes around other characters ("@", "$", "\\")', () => {
    expect(matches('{ $.eventSource = kms.amazonaws.com }', {eventSource: 'kms.amazonaws.com'})).toBe(true)
    expect(matches('{ $.eventSource = "kms.amazonaws.com" }', {eventSource: 'kms.amazonaws.com'})).toBe(true)
    expect(matches('{ $.email = "John.Doe@example.com" }', {email: 'John.Doe@example.com'})).toBe(true)
    expect(refusal('{ $.email = John.Doe@example.com }')).toMatchObject({column: 21, message: expect.stringContaining('"@" must be inside double quotes')})
  })
})

describe('regular expressions, from the page\'s "Supported regular expressions (regex) syntax"', () => {
  const regexMatches = (regex: string, text: string) => matches(`{ $.m = %${regex}% }`, {m: text})

  it.each([
    ['AUTHORIZED', ['[ERROR 401] UNAUTHORIZED REQUEST', '[SUCCESS 200] AUTHORIZED REQUEST'], ['[ERROR 400] BAD REQUEST']],
    ['^[hc]at', ['hat', 'cat'], ['that', 'chat']],
    ['[hc]at$', ['hat', 'cat', 'that'], ['hats']],
    ['colou?r', ['color', 'colour'], ['colr']],
    ['[abc]', ['a', 'b', 'c'], ['d']],
    ['[a-z]', ['q'], ['Q', '7']],
    ['[abcx-z]', ['a', 'b', 'c', 'x', 'y', 'z'], ['d', 'w']],
    ['a{3,5}', ['aaa', 'aaaa', 'aaaaa'], ['aa']],
    ['gra|ey', ['gray', 'grey'], ['gruy']],
    ['^starting|^initializing|^shutting down', ['starting ...', 'initializing ...', 'shutting down'], ['skipping initializing ...']],
    ['\\[.\\]', ['[a]', '[b]', '[7]', '[@]', '[]]', '[ ]'], ['[]', 'a']],
    ['10\\.10\\.0\\.1', ['10.10.0.1'], ['10010,051']],
    ['10.10.0.1', ['10010,051', '10.10.0.1'], ['10.10.0.']],
    ['ab*c', ['ac', 'abc', 'abbbc'], ['a c']],
    ['ab[0-9]*', ['ab', 'ab0', 'ab129'], ['a']],
    ['ab+c', ['abc', 'abbc', 'abbbc'], ['ac']],
    ['.at', ['hat', 'cat', 'bat', '4at', '#at', ' at'], ['at']],
    ['\\d', ['7'], ['x']],
    ['\\D', ['x'], ['7']],
    ['\\s', [' ', '\t', '\n'], ['x']],
    ['\\S', ['x'], [' ']],
    ['\\w', ['a', 'Z', '_', '0'], ['-']],
    ['\\W', ['-'], ['a']],
    ['\\x3A', [':'], ['x']],
    ['\\x28', ['('], [')']],
  ])('%%%s%%', (regex, matching, notMatching) => {
    for (const text of matching) expect(regexMatches(regex, text)).toBe(true)
    for (const text of notMatching) expect(regexMatches(regex, text)).toBe(false)
  })

  it('omits m or n in {m,n} ("Either m or n can be omitted")', () => {
    expect(regexMatches('^a{,2}$', 'aa')).toBe(true)
    expect(regexMatches('^a{,2}$', 'aaa')).toBe(false)
    expect(regexMatches('^a{2,}$', 'aaaa')).toBe(true)
  })

  it('negates a regex with !=', () => {
    expect(matches('{ $.eventType != %Trail% }', {eventType: 'Deployment'})).toBe(true)
    expect(matches('{ $.eventType != %Trail% }', EVENT)).toBe(false)
  })

  it('refuses "!" ("%something!% would be rejected"), parentheses, multi-byte characters, and < with a regex', () => {
    expect(refusal('{ $.m = %something!% }')).toMatchObject({column: 19, message: expect.stringContaining('"!" is not supported in a regex')})
    expect(refusal('{ $.m = %(a)% }').message).toContain('"(" and ")" are not supported in a regex')
    expect(refusal('{ $.m = %é% }').message).toContain('multi-byte characters are not supported')
    expect(refusal('{ $.m < %a% }').message).toContain('a regex can only be compared with = or !=')
  })
})

describe('what AWS refuses, with the position', () => {
  it('refuses unbalanced parentheses, naming the one left open or the one that closes nothing', () => {
    expect(refusal('{ ($.a = 1 && ($.b = 2) }')).toEqual({column: 3, message: 'unbalanced parentheses: this "(" is never closed (at character 3)'})
    expect(refusal('{ ($.a = 1)) }')).toEqual({column: 12, message: 'unbalanced parentheses: this ")" closes nothing (at character 12)'})
  })

  it('does not count parentheses inside quoted values', () => {
    expect(matches('{ $.a = "(x" }', {a: '(x'})).toBe(true)
  })

  it('refuses a pattern over 1,024 characters, and takes one of exactly 1,024', () => {
    const condition = (value: string) => `{ $.eventName = "${value}" }`
    const fits = condition('x'.repeat(1024 - condition('').length))
    expect(fits).toHaveLength(1024)
    expect(() => parseFilterPattern(fits)).not.toThrow()
    expect(refusal(condition('x'.repeat(1025 - condition('').length)))).toEqual({column: 1025, message: 'the pattern has 1025 characters; AWS allows up to 1024 (at character 1025)'})
  })

  it('refuses IS NOT and EXISTS ("The variables IS NOT and EXISTS currently aren\'t supported")', () => {
    expect(refusal('{ $.SomeObject IS NOT NULL }')).toMatchObject({column: 16, message: expect.stringContaining('IS NOT is not supported')})
    expect(refusal('{ $.SomeObject EXISTS }')).toMatchObject({column: 16, message: expect.stringContaining('EXISTS is not supported')})
  })

  it('refuses a third regex ("a limit of 2 regex for each filter pattern") and takes two', () => {
    expect(() => parseFilterPattern('{ $.a = %x% && $.b = %y% }')).not.toThrow()
    expect(refusal('{ $.a = %x% && $.b = %y% && $.c = %z% }')).toMatchObject({column: 35, message: expect.stringContaining('more than 2 regexes')})
  })

  it('refuses two wildcards in one selector, and a fourth wildcard selector in a pattern', () => {
    expect(refusal('{ $.a[*].b[*] = 1 }').message).toContain('only one wildcard')
    expect(() => parseFilterPattern('{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 }')).not.toThrow()
    expect(refusal('{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 || $.d[*] = 1 }')).toMatchObject({column: 44, message: expect.stringContaining('more than 3 wildcard selectors')})
  })

  it('refuses the forms it cannot read: lower-case keywords, single & or |, a missing value, text after the braces', () => {
    expect(refusal('{ $.a is null }').message).toContain('write IS in capitals')
    expect(refusal('{ $.a = 1 & $.b = 2 }').message).toContain('"&" is not an operator')
    expect(refusal('{ $.a = }').message).toContain('expected a value')
    expect(refusal('{ $.a = 1 } x').message).toContain('after the closing "}"')
    expect(refusal('{ $.a > "x" }').message).toContain('> compares numbers')
  })

  it('refuses the page\'s unstructured and space-delimited examples: lakegov evaluates JSON patterns only', () => {
    for (const pattern of ['ERROR', 'ERROR ARGUMENTS', '?ERROR ?ARGUMENTS', '"INTERNAL SERVER ERROR"', 'ERROR -ARGUMENTS', '%AUTHORIZED%', '[w1=ERROR, w2]', '[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]']) {
      expect(refusal(pattern).message).toMatch(/JSON filter patterns only|must be inside double quotes/)
    }
    expect(refusal('" "').message).toContain('JSON filter patterns only')
  })
})

describe('precedence, as a property', () => {
  // AWS's "() > && > ||" on any mix of conditions without parentheses: an OR of AND groups.
  const chain = fc.record({
    conditions: fc.array(fc.boolean(), {minLength: 1, maxLength: 8}),
    operators: fc.array(fc.constantFrom('&&', '||'), {minLength: 7, maxLength: 7}),
  })

  it('evaluates an unparenthesised chain of && and || as an OR of AND groups, and a fully parenthesised left-to-right one accordingly', () => {
    fc.assert(
      fc.property(chain, ({conditions, operators}) => {
        const event = Object.fromEntries(conditions.map((value, index) => [`f${index}`, value ? 'yes' : 'no']))
        const terms = conditions.map((_, index) => `$.f${index} = "yes"`)
        const joined = terms.reduce((text, term, index) => (index === 0 ? term : `${text} ${operators[index - 1]} ${term}`), '')
        // The reference: split the chain at each ||, AND each group, OR the groups.
        const groups: boolean[][] = [[conditions[0]]]
        conditions.slice(1).forEach((value, index) => (operators[index] === '||' ? groups.push([value]) : groups[groups.length - 1].push(value)))
        const reference = groups.some((group) => group.every(Boolean))
        expect(matches(`{ ${joined} }`, event)).toBe(reference)
        const leftToRight = terms.reduce((text, term, index) => (index === 0 ? term : `(${text}) ${operators[index - 1]} ${term}`), '')
        const sequential = conditions.reduce((value, next, index) => (index === 0 ? next : operators[index - 1] === '&&' ? value && next : value || next), false)
        expect(matches(`{ ${leftToRight} }`, event)).toBe(sequential)
      }),
      {numRuns: 300},
    )
  })
})
