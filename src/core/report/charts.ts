/**
 * The report's charts as Vega-Lite specs: plain data, built here and rendered to SVG at build time
 * (src/output/report-svg.ts). The palette is Okabe and Ito's, which stays distinguishable for the
 * common forms of colour blindness; the error line is black and dashed, so it never relies on
 * colour alone.
 */
import type {ChartModel, ChartSeries, TableBlock} from './model'

/** Okabe-Ito (Color Universal Design), without black, which the error line uses. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'] as const

const WIDTH = 640

function baseSpec(title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    background: 'white',
    config: {font: 'sans-serif', axis: {labelLimit: 220}, legend: {labelLimit: 220}},
  }
}

/** What a chart is made from: the model's data fields, and the bars' direction. */
export interface ChartInput extends Pick<ChartModel, 'id' | 'title' | 'xTitle' | 'yTitle' | 'categories' | 'bars' | 'line'> {
  /** Bars lie horizontally (long labels: services, principals). */
  horizontal?: boolean
}

function rowsOf(input: ChartInput): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = []
  input.categories.forEach((category, index) => {
    for (const series of input.bars) if (series.values[index] > 0) rows.push({category, series: series.name, value: series.values[index]})
  })
  return rows
}

function tableOf(input: ChartInput): TableBlock {
  const extra = input.line ? [input.line] : []
  return {
    kind: 'table',
    caption: `${input.title}: the data`,
    columns: [input.xTitle, ...input.bars.map((series) => series.name), ...extra.map((series) => series.name)],
    rows: input.categories.map((category, index) => [category, ...input.bars.map((series) => series.values[index]), ...extra.map((series) => series.values[index])]),
  }
}

function barLayer(input: ChartInput): Record<string, unknown> {
  const stacked = input.bars.length > 1
  const category = {field: 'category', type: 'nominal', title: input.xTitle, sort: input.categories}
  const value = {field: 'value', type: 'quantitative', title: input.yTitle, ...(stacked ? {stack: 'zero'} : {})}
  const color = stacked
    ? {field: 'series', type: 'nominal', title: 'Series', sort: input.bars.map((series) => series.name), scale: {domain: input.bars.map((series) => series.name), range: PALETTE.slice(0, input.bars.length)}}
    : {value: PALETTE[0]}
  return {
    data: {values: rowsOf(input)},
    mark: {type: 'bar'},
    encoding: input.horizontal ? {y: category, x: value, color} : {x: category, y: value, color},
  }
}

function lineLayer(input: ChartInput, line: ChartSeries): Record<string, unknown> {
  return {
    data: {values: input.categories.map((category, index) => ({category, series: line.name, value: line.values[index]}))},
    mark: {type: 'line', color: 'black', strokeDash: [4, 3], point: false},
    encoding: {
      x: {field: 'category', type: 'nominal', title: input.xTitle, sort: input.categories},
      y: {field: 'value', type: 'quantitative', title: line.name},
    },
  }
}

/** A bar chart (stacked when several series), with an optional line over it on its own axis. */
export function buildChart(input: ChartInput): ChartModel {
  const spec = input.line
    ? {...baseSpec(input.title), layer: [barLayer(input), lineLayer(input, input.line)], resolve: {scale: {y: 'independent'}}}
    : {...baseSpec(input.title), ...barLayer(input)}
  if (input.horizontal) Object.assign(spec, {height: {step: 18}})
  return {
    id: input.id,
    title: input.title,
    xTitle: input.xTitle,
    yTitle: input.yTitle,
    categories: input.categories,
    bars: input.bars,
    ...(input.line ? {line: input.line} : {}),
    spec,
    barMarks: rowsOf(input).length,
    table: tableOf(input),
  }
}
