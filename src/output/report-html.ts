/**
 * The lake report as one self-contained HTML page (issue 17): no script, font, style or image from
 * the network, readable with JavaScript off (there is none), a strict Content-Security-Policy
 * whose only allowance is the page's own stylesheet, by hash. Charts are inline SVG drawn at build
 * time (report-svg.ts), each with a title, axis titles and its data table behind `<details>`.
 * Every string from the model goes through escapeHtml.
 */
import type {Block, Cell, ChartModel, ReportModel, Section, TableBlock} from '../core/report/model'
import {contentSecurityPolicy, escapeHtml} from './escape'

/** The page's one stylesheet; the CSP allows exactly this text. Prints without the navigation, with every section. */
export const REPORT_STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem; color: #111; background: #fff; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2rem; }
nav ol { columns: 2; padding-left: 1.2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
figure.chart { margin: 1rem 0 1.5rem; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef3f8; }
.unavailable { border-left: 4px solid #D55E00; background: #fff4ec; padding: 0.5rem 1rem; }
.note { color: #333; }
footer { margin-top: 2rem; font-size: 0.85rem; color: #444; }
@media print {
  nav { display: none; }
  body { max-width: none; padding: 0; }
  section, figure.chart, table { break-inside: avoid; }
  details > summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
`

function cellHtml(cell: Cell): string {
  if (typeof cell === 'number') return `<td class="number">${cell}</td>`
  if (typeof cell === 'string') return `<td>${escapeHtml(cell)}</td>`
  if (cell.href !== undefined) return `<td><a href="#${escapeHtml(cell.href)}">${escapeHtml(cell.text)}</a></td>`
  return `<td${cell.anchor === undefined ? '' : ` id="${escapeHtml(cell.anchor)}"`}>${escapeHtml(cell.text)}</td>`
}

function tableHtml(table: TableBlock): string {
  const head = `<tr>${table.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('')}</tr>`
  const body = table.rows.length === 0 ? `<tr><td colspan="${table.columns.length}">None.</td></tr>` : table.rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n')
  return `<div class="table-wrap"><table><caption>${escapeHtml(table.caption)}</caption>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`
}

function chartHtml(chart: ChartModel, svgs: ReadonlyMap<string, string>): string {
  const svg = svgs.get(chart.id) ?? '<p>The chart could not be drawn; its data is below.</p>'
  const label = `${chart.title}: ${chart.yTitle} by ${chart.xTitle}`
  return [
    `<figure class="chart" id="chart-${escapeHtml(chart.id)}" data-bar-marks="${chart.barMarks}">`,
    `<figcaption>${escapeHtml(chart.title)}</figcaption>`,
    `<div class="svg" role="img" aria-label="${escapeHtml(label)}">${svg}</div>`,
    `<details><summary>Data table: ${escapeHtml(chart.title)}</summary>${tableHtml(chart.table)}</details>`,
    '</figure>',
  ].join('\n')
}

function blockHtml(block: Block, svgs: ReadonlyMap<string, string>): string {
  switch (block.kind) {
    case 'facts':
      return `<dl class="facts">${block.items.map((item) => `<dt>${escapeHtml(item.label)}</dt><dd>${escapeHtml(item.value)}</dd>`).join('')}</dl>`
    case 'note':
      return `<p class="note">${escapeHtml(block.text)}</p>`
    case 'table':
      return tableHtml(block)
    case 'chart':
      return chartHtml(block.chart, svgs)
  }
}

function sectionHtml(section: Section, index: number, svgs: ReadonlyMap<string, string>): string {
  const heading = `<h2 id="h-${section.id}">${index + 1}. ${escapeHtml(section.title)}</h2>`
  if (section.unavailable) {
    const fixes = section.unavailable.fix.map((fix) => `<li>${escapeHtml(fix)}</li>`).join('')
    const body = `<div class="unavailable" role="note"><p><strong>Not available:</strong> ${escapeHtml(section.unavailable.reason)}</p>${fixes ? `<p>How to fix it:</p><ul>${fixes}</ul>` : ''}</div>`
    return `<section id="${section.id}" aria-labelledby="h-${section.id}" data-unavailable="true">\n${heading}\n${body}\n</section>`
  }
  return `<section id="${section.id}" aria-labelledby="h-${section.id}">\n${heading}\n${section.blocks.map((block) => blockHtml(block, svgs)).join('\n')}\n</section>`
}

/** The page. `svgs` holds each chart's SVG by chart id (renderChartSvgs). */
export function renderReportHtml(model: ReportModel, svgs: ReadonlyMap<string, string>): string {
  const nav = model.sections.map((section) => `<li><a href="#${section.id}">${escapeHtml(section.title)}</a></li>`).join('')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    contentSecurityPolicy({styles: [REPORT_STYLE]}),
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(model.title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(model.title)}</h1><p>Window ${escapeHtml(model.window.from)} to ${escapeHtml(model.window.to)}. Made ${escapeHtml(model.generatedAt)} by lakegov ${escapeHtml(model.version)}.</p>`,
    `<nav aria-label="Sections"><ol>${nav}</ol></nav></header>`,
    '<main>',
    ...model.sections.map((section, index) => sectionHtml(section, index, svgs)),
    '</main>',
    '<footer><p>This page is self-contained: it loads nothing from the network and runs no script.</p></footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
