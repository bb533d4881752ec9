import {cspHash} from '../../src/output/escape'
import {REPORT_STYLE, renderReportHtml} from '../../src/output/report-html'
import {mermaidLabel, renderReportMarkdown} from '../../src/output/report-markdown'
import {styleToAttributes} from '../../src/output/report-svg'
import {HOSTILE_NAME, smallReportModel} from '../support/report-model'

describe('the HTML report', () => {
  const html = renderReportHtml(smallReportModel(), new Map([['regions', '<svg xmlns="http://www.w3.org/2000/svg"><g class="mark-rect"><path d="M0,0"/></g></svg>']]))

  it('opens with the CSP, which allows only its own stylesheet by hash and no script', () => {
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(head.indexOf('<style>'))
    expect(head).toContain(cspHash(REPORT_STYLE).replaceAll("'", '&#39;'))
    expect(head).toContain('script-src &#39;none&#39;')
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
  })

  it('escapes untrusted names everywhere', () => {
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;|`x`')
  })

  it('has every section, the unavailable one saying why and how to fix it, and the data table of each chart behind details', () => {
    for (const id of ['summary', 'calls-over-time', 'top', 'geography', 'reads', 'anomalies', 'access', 'findings']) expect(html).toContain(`<section id="${id}"`)
    expect(html).toMatch(/<section id="anomalies"[^>]*data-unavailable="true">[\s\S]*Not available:[\s\S]*AccessDenied[\s\S]*--engine local/)
    expect(html).toContain('<details><summary>Data table: Calls by AWS region</summary>')
    expect(html).toContain('<a href="#rule-LG003">LG003</a>')
    expect(html).toContain('id="rule-LG003"')
  })

  it('cites the IP database and its date', () => {
    expect(html).toContain('@ip-location-db/geo-whois-asn-country 2.3.2026061719, data of 2026-06-17')
  })
})

describe('the markdown report', () => {
  it('matches the snapshot', () => {
    expect(renderReportMarkdown(smallReportModel())).toMatchSnapshot()
  })

  it('escapes untrusted names in tables and keeps Mermaid labels inert', () => {
    const markdown = renderReportMarkdown(smallReportModel())
    expect(markdown).not.toContain(HOSTILE_NAME)
    expect(markdown).toContain('\\<img src=x onerror=alert(1)\\>\\|\\`x\\`')
    expect(mermaidLabel('a"b]`<c>\n{d}')).toBe('a_b___c___d_')
    expect(mermaidLabel('x'.repeat(50))).toHaveLength(40)
  })
})

describe('SVG for a strict CSP', () => {
  it('turns style attributes into presentation attributes', () => {
    expect(styleToAttributes('<text style="font-family: sans-serif; font-size: 10px;" fill="#000">a</text>')).toBe('<text font-family="sans-serif" font-size="10px" fill="#000">a</text>')
  })
})
