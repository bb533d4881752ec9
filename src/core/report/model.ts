/**
 * The lake report (issue 17) as data: sections of blocks (facts, charts, tables, notes), in the
 * issue's order. The HTML and markdown renderers (src/output/report-*.ts) draw the same model; the
 * charts carry their Vega-Lite spec and the data table behind it. Every string in the model may be
 * untrusted: the renderers escape it.
 */
import type {TimeWindow} from '../activity/query'

/** The sections, in the page's order. */
export const SECTION_IDS = ['summary', 'calls-over-time', 'top', 'geography', 'reads', 'anomalies', 'access', 'findings'] as const
/** One section's id (also its HTML id). */
export type SectionId = (typeof SECTION_IDS)[number]

/** A table cell: text, a number, or text that links to (href) or is the target of (anchor) a place in the page, both `#`-less ids made by lakegov. */
export type Cell = string | number | {text: string; href?: string; anchor?: string}

/** A table. */
export interface TableBlock {
  kind: 'table'
  /** The caption. */
  caption: string
  /** The column headings. */
  columns: string[]
  /** The rows. */
  rows: Cell[][]
}

/** Label/value pairs. */
export interface FactsBlock {
  kind: 'facts'
  /** The facts, in order. */
  items: Array<{label: string; value: string}>
}

/** A paragraph. */
export interface NoteBlock {
  kind: 'note'
  /** The text. */
  text: string
}

/** One data series of a chart, aligned with the chart's categories. */
export interface ChartSeries {
  /** The legend name. */
  name: string
  /** One value per category. */
  values: number[]
}

/** A chart: its data, its Vega-Lite spec and the table behind it. */
export interface ChartModel {
  /** Unique on the page. */
  id: string
  /** The title. */
  title: string
  /** The x axis title. */
  xTitle: string
  /** The y axis title. */
  yTitle: string
  /** The x categories, in order. */
  categories: string[]
  /** The bars: one series, or several stacked. */
  bars: ChartSeries[]
  /** A line drawn over the bars (errors), if any. */
  line?: ChartSeries
  /** The Vega-Lite spec, plain data. */
  spec: Record<string, unknown>
  /** How many bar marks the chart draws: one per non-zero (category, series) value. */
  barMarks: number
  /** The data as a table. */
  table: TableBlock
}

/** A chart block. */
export interface ChartBlock {
  kind: 'chart'
  /** The chart. */
  chart: ChartModel
}

/** One block of a section. */
export type Block = FactsBlock | NoteBlock | TableBlock | ChartBlock

/** A section that could not be read: why, and how to fix it. */
export interface Unavailable {
  /** Why. */
  reason: string
  /** How to fix it. */
  fix: string[]
  /** The exit code --strict exits with. */
  exitCode: number
}

/** One section. */
export interface Section {
  /** The id. */
  id: SectionId
  /** The heading. */
  title: string
  /** Its content; empty when unavailable. */
  blocks: Block[]
  /** Set when the section's data could not be read. */
  unavailable?: Unavailable
}

/** The whole report. */
export interface ReportModel {
  /** The page title. */
  title: string
  /** The account id, or '' when unknown. */
  account: string
  /** The region. */
  region: string
  /** The window. */
  window: TimeWindow
  /** When the report was made, ISO. */
  generatedAt: string
  /** lakegov's version. */
  version: string
  /** The sections, in SECTION_IDS order. */
  sections: Section[]
}

/** Whether any section is unavailable (for --strict). */
export function unavailableSections(model: ReportModel): Section[] {
  return model.sections.filter((section) => section.unavailable !== undefined)
}
