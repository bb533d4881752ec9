/**
 * One escaping function per output kind, for text lakegov did not write itself: names and values
 * read from the account, from CloudTrail records and from policy files. Anyone who can call an AWS
 * API chooses some of them (a user agent, a request parameter, an error message), so each is
 * treated as hostile. Renderers pass such text through the function of their output kind, and
 * BaseCommand passes everything it prints through `escapeTerminal` as well, so that a value a
 * renderer forgot still cannot drive the terminal.
 *
 * | output | function | what it guarantees |
 * |---|---|---|
 * | terminal (text, tables, progress, errors) | `escapeTerminal` | no control character, escape sequence or bidi override reaches the terminal; each is shown as a visible `\xNN` or `\uNNNN` |
 * | CSV | `escapeCsvField` | RFC 4180 quoting; a cell starting with `=` `+` `-` `@` tab or CR gets a leading `'` (OWASP CSV injection) |
 * | markdown (pull request comments, audit tables) | `escapeMarkdown`, `markdownCodeBlock` | a value cannot close a table cell, open a link, start HTML or leave a code block; long values are cut and say so |
 * | HTML | `escapeHtml`, `contentSecurityPolicy`, `cspHash` | text is inert in element content and in quoted attribute values; the page may fetch nothing and run only hashed inline scripts |
 * | SARIF `message.text` | `escapeSarifText` | markdown-safe text (escapeMarkdown, uncut), which also escapes SARIF's embedded-link brackets; SARIF and JSON stay exact data elsewhere |
 * | JSON on stdout | `stringifyJson` | exact data; the characters a terminal would act on are written as `\uNNNN` JSON escapes, which parse back to the same string |
 *
 * Escaping, not stripping: a security engineer reading the output should see that a value carried
 * an escape sequence. Escaping the introducers (ESC, the C1 CSI and OSC, BEL...) is enough to make
 * every ANSI CSI, OSC (including OSC 8 hyperlinks) and DCS sequence inert: what remains is printable.
 */

/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
/**
 * Characters a terminal or a text viewer acts on: C0 controls, DEL, C1 controls, the bidirectional
 * embeddings, overrides, isolates and marks (Trojan Source, CVE-2021-42574), and the Unicode line
 * and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/** The same, less line feed: lakegov's own multi-line text keeps its lines. */
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/** The same, less tab, line feed and carriage return, which a CSV cell may hold as data (RFC 4180). */
const UNSAFE_IN_CSV = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/* eslint-enable no-control-regex */

/** What stringifyJson escapes: JSON.stringify already escapes C0, and indentation's line feeds are structure. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

/** A character as visible text: \n, \r, \t, \x1b, or \u202e. */
function visible(character: string): string {
  const code = character.charCodeAt(0)
  return NAMED[character] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
}

/**
 * Text for a terminal. Every control character (line breaks and tabs included), every escape
 * sequence introducer and every bidi control becomes visible text, so one value stays on one line
 * and cannot move the cursor, clear the screen, set the title, open a hyperlink or reorder what
 * follows it. With `multiline`, line feeds are kept: for lakegov's own multi-line output, which
 * BaseCommand passes through here before printing.
 */
export function escapeTerminal(text: string, options: {multiline?: boolean} = {}): string {
  return text.replace(options.multiline ? UNSAFE_KEEP_NEWLINES : UNSAFE, visible)
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV field. Quoted as RFC 4180 says when it holds a comma, a double quote or a line break; a
 * field that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` and is
 * quoted, so that Excel, LibreOffice and Google Sheets show it as text instead of running it as a
 * formula (OWASP). Other control characters and bidi overrides become visible text as on the
 * terminal; tab, line feed and carriage return are kept as data inside the quotes.
 */
export function escapeCsvField(value: string): string {
  const safe = value.replace(UNSAFE_IN_CSV, visible)
  if (FORMULA_START.test(safe)) return `"'${safe.replaceAll('"', '""')}"`
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Values longer than this are cut in markdown: a pull request comment holds at most 65,536 characters. */
export const MARKDOWN_MAX_VALUE = 300

/**
 * Backslash-escaped in markdown: the issue's `|`, backtick, `<`, `>`, `[`, `]`; the backslash
 * itself (so that `\|` in a value cannot turn an escape off); the emphasis and strikethrough marks
 * and `&` (so that the value shows as written); `!`; and `@`, which makes GFM's extended email
 * autolinks. GFM's other autolinks, `scheme://` and `www.`, are broken by escaping their `:` and `.`
 * (see escapeMarkdown). CommonMark renders a backslash-escaped ASCII punctuation character as the
 * character itself.
 */
const MARKDOWN_SPECIAL = /[\\`*_~[\]<>|&!@]/g

/** Cuts a value to `max` characters (never inside a surrogate pair), saying how much was left out. */
function truncate(value: string, max: number): {head: string; cut: number} {
  if (value.length <= max) return {head: value, cut: 0}
  let end = max
  const last = value.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return {head: value.slice(0, end), cut: value.length - end}
}

/**
 * Untrusted text inside markdown: in a paragraph, a list item, a quote or a table cell (GFM).
 * Markdown syntax characters are backslash-escaped, `www.` loses its autolink, control characters
 * and line breaks become visible text (a table cell cannot hold a line break), and a value longer
 * than `maxLength` (default MARKDOWN_MAX_VALUE) is cut and says so: "... (truncated: 1200 more
 * characters)". Not for code spans or fenced blocks: see markdownCodeBlock.
 */
export function escapeMarkdown(value: string, options: {maxLength?: number} = {}): string {
  const {head, cut} = truncate(value, options.maxLength ?? MARKDOWN_MAX_VALUE)
  const escaped = head
    .replace(UNSAFE, visible)
    .replace(MARKDOWN_SPECIAL, (character) => `\\${character}`)
    .replace(/:\/\//g, '\\://')
    .replace(/(w)(w)(w)\./gi, '$1$2$3\\.')
  return cut > 0 ? `${escaped}... (truncated: ${cut} more characters)` : escaped
}

/**
 * A fenced code block (for `diff` plans in pull request comments) whose lines may carry untrusted
 * text. Each line is escaped for the terminal (no control character or line break inside a line),
 * so no value can start a line of its own; and the fence is longer than any run of backticks in
 * the content, so nothing inside can close it (CommonMark: a closing fence is at least as long as
 * the opening one).
 */
export function markdownCodeBlock(lines: readonly string[], info = ''): string[] {
  const safe = lines.map((line) => escapeTerminal(line))
  const longest = Math.max(0, ...safe.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [`${fence}${info}`, ...safe, fence]
}

/**
 * Text in SARIF `message.text`. SARIF 2.1.0 (3.11.6) gives plain text messages embedded links,
 * `[text](target)`, with `\[` and `\]` for literal brackets, and viewers such as GitHub code
 * scanning may render messages as markdown (autolinks included). So the message is escaped as
 * escapeMarkdown does, without truncation: brackets and backslashes are escaped as SARIF wants, and
 * no value can become a link, an image or HTML. Only messages are escaped: every other SARIF field
 * (properties, locations) stays exact data.
 */
export function escapeSarifText(value: string): string {
  return escapeMarkdown(value, {maxLength: Number.POSITIVE_INFINITY})
}

const HTML_ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/**
 * Untrusted text in HTML element content or in a quoted attribute value (single or double quotes;
 * always quote attributes). Never inside `<script>`, `<style>`, an event handler, a `url()` or an
 * `href` (a `javascript:` URL survives any escaping): put such values in element content. Control
 * characters and bidi overrides become visible text, so a right-to-left override cannot reorder the
 * page. Works in SVG text and attributes too.
 */
export function escapeHtml(value: string): string {
  return value.replace(UNSAFE, visible).replace(/[&<>"']/g, (character) => HTML_ENTITIES[character])
}

/**
 * Markup another library already escaped (vega's SVG: `<`, `&` and quotes are entities there) with
 * its control and bidi characters made visible, as escapeHtml does for text: a label cannot reorder
 * the page's text (Trojan Source) or smuggle an escape sequence. The markup's own line feeds stay.
 */
export function escapeControlsInMarkup(markup: string): string {
  return markup.replace(UNSAFE_KEEP_NEWLINES, visible)
}

/** The CSP source expression for one inline `<script>` or `<style>` body: 'sha256-BASE64' of its exact text. */
export function cspHash(content: string): string {
  // Loaded here, not at the top: every command loads this file, and only the HTML report hashes.
  const {createHash} = require('node:crypto') as typeof import('node:crypto')
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`
}

/**
 * A Content-Security-Policy `<meta>` element for a self-contained report: no network at all
 * (`default-src 'none'`, no `connect-src`, `img-src`, `font-src`, `form-action` or `base-uri`),
 * and inline scripts and styles only when their exact text is given here, by hash. Put it first in
 * `<head>`, before any script or style; hash the bodies exactly as they are written into the page.
 * Style attributes (`style="..."`) are refused, so give SVG its look with presentation attributes
 * (`fill`, `stroke`) or a hashed `<style>`. `data:` images can be allowed for charts drawn as
 * images. A meta policy cannot set frame-ancestors, report-uri or sandbox (CSP Level 3, 3.3).
 */
export function contentSecurityPolicy(options: {scripts?: readonly string[]; styles?: readonly string[]; dataImages?: boolean} = {}): string {
  const hashes = (bodies: readonly string[] | undefined) => (bodies && bodies.length > 0 ? bodies.map(cspHash).join(' ') : "'none'")
  const directives = [
    "default-src 'none'",
    `script-src ${hashes(options.scripts)}`,
    `style-src ${hashes(options.styles)}`,
    `img-src ${options.dataImages ? 'data:' : "'none'"}`,
    "connect-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "media-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ]
  return `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(directives.join('; '))}">`
}

/**
 * JSON for stdout: JSON.stringify, with the characters a terminal or viewer would act on (C1
 * controls, DEL, bidi controls, line and paragraph separators; JSON.stringify already escapes C0)
 * written as `\uNNNN` escapes. The data is exact: JSON.parse gives back the same strings.
 */
export function stringifyJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Lines of terminal output joined into one text, each line escaped on its own: a value with a line
 * break inside cannot start a line of its own (a forged "ok" or "+ grant" line). For renderers that
 * build their output as a list of lines.
 */
export function terminalLines(lines: readonly string[]): string {
  return lines.map((line) => escapeTerminal(line)).join('\n')
}
