/**
 * The lake report as markdown, for a pull request or a wiki (issue 17): the same sections as the
 * HTML page, charts as Mermaid `xychart-beta` (which GitHub renders) with their data tables behind
 * `<details>`, tables in GFM. Untrusted text goes through escapeMarkdown; inside a Mermaid block,
 * labels keep only characters Mermaid's grammar cannot act on.
 */
import type {Block, Cell, ChartModel, ReportModel, Section, TableBlock} from '../core/report/model'
import {escapeMarkdown, markdownCodeBlock} from './escape'

/** Longest label in a Mermaid chart. */
const MERMAID_LABEL_MAX = 40

/** A label for inside a Mermaid string: letters, digits and harmless punctuation; the rest becomes `_`; long labels are cut with `...`. */
export function mermaidLabel(text: string): string {
  const safe = text.replace(/[^\p{L}\p{N} ._:/@()+=,-]/gu, '_')
  return safe.length > MERMAID_LABEL_MAX ? `${safe.slice(0, MERMAID_LABEL_MAX - 3)}...` : safe
}

function cellMarkdown(cell: Cell): string {
  if (typeof cell === 'number') return String(cell)
  return escapeMarkdown(typeof cell === 'string' ? cell : cell.text)
}

function tableMarkdown(table: TableBlock): string[] {
  const rows = table.rows.length === 0 ? [table.columns.map((_, index) => (index === 0 ? 'None.' : ''))] : table.rows.map((row) => row.map(cellMarkdown))
  return [
    `**${escapeMarkdown(table.caption)}**`,
    '',
    `| ${table.columns.map((column) => escapeMarkdown(column)).join(' | ')} |`,
    `|${table.columns.map(() => ' --- ').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ]
}

/** Mermaid has no stacked bars: the bars are the categories' totals, the line (errors) drawn over them. */
function mermaidChart(chart: ChartModel): string[] {
  const totals = chart.categories.map((_, index) => chart.bars.reduce((sum, series) => sum + series.values[index], 0))
  const quoted = (text: string) => `"${mermaidLabel(text)}"`
  const lines = [
    'xychart-beta',
    `  title ${quoted(chart.title)}`,
    `  x-axis ${quoted(chart.xTitle)} [${chart.categories.map(quoted).join(', ')}]`,
    `  y-axis ${quoted(chart.yTitle)}`,
    `  bar [${totals.join(', ')}]`,
    ...(chart.line ? [`  line [${chart.line.values.join(', ')}]`] : []),
  ]
  return markdownCodeBlock(lines, 'mermaid')
}

function chartMarkdown(chart: ChartModel): string[] {
  const legend = chart.bars.length > 1 || chart.line ? [`_${escapeMarkdown(`Bars: ${chart.bars.map((series) => series.name).join(' + ')}${chart.line ? `; line: ${chart.line.name}` : ''}.`)}_`, ''] : []
  return [`### ${escapeMarkdown(chart.title)}`, '', ...mermaidChart(chart), '', ...legend, '<details><summary>Data table</summary>', '', ...tableMarkdown(chart.table), '', '</details>']
}

function blockMarkdown(block: Block): string[] {
  switch (block.kind) {
    case 'facts':
      return block.items.map((item) => `- **${escapeMarkdown(item.label)}**: ${escapeMarkdown(item.value)}`)
    case 'note':
      return [escapeMarkdown(block.text, {maxLength: 2000})]
    case 'table':
      return tableMarkdown(block)
    case 'chart':
      return chartMarkdown(block.chart)
  }
}

function sectionMarkdown(section: Section, index: number): string[] {
  const heading = `## ${index + 1}. ${escapeMarkdown(section.title)}`
  if (section.unavailable) {
    const fixes = section.unavailable.fix.map((fix) => `> - ${escapeMarkdown(fix, {maxLength: 2000})}`)
    return [heading, '', `> **Not available:** ${escapeMarkdown(section.unavailable.reason, {maxLength: 2000})}`, ...(fixes.length > 0 ? ['>', '> How to fix it:', ...fixes] : [])]
  }
  return [heading, '', ...section.blocks.flatMap((block) => [...blockMarkdown(block), ''])]
}

/** The markdown report. */
export function renderReportMarkdown(model: ReportModel): string {
  return [
    `# ${escapeMarkdown(model.title)}`,
    '',
    `Window ${escapeMarkdown(model.window.from)} to ${escapeMarkdown(model.window.to)}. Made ${escapeMarkdown(model.generatedAt)} by lakegov ${escapeMarkdown(model.version)}.`,
    '',
    ...model.sections.flatMap((section, index) => [...sectionMarkdown(section, index), '']),
  ].join('\n')
}
