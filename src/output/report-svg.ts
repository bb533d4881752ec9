/**
 * Renders the report's Vega-Lite specs to SVG text at build time, with vega's Node API and no
 * browser: `new vega.View(vega.parse(compile(spec).spec), {renderer: 'none'}).toSVG()`. vega and
 * vega-lite are large, so they are required here, lazily, only by `lakegov report`. Their 5.x
 * lines are used: they ship CommonJS builds and support Node 18+, where vega-lite 6 is ES modules
 * only and needs Node 22 (lakegov supports Node 20).
 * vega escapes the text and attribute values it writes; the page's CSP refuses style attributes,
 * so any that appear become presentation attributes.
 */
import type {ReportModel} from '../core/report/model'
import {escapeControlsInMarkup} from './escape'

interface VegaModule {
  View: new (runtime: unknown, options: {renderer: 'none'}) => {toSVG(): Promise<string>; finalize(): void}
  parse(spec: unknown): unknown
}

interface VegaLiteModule {
  compile(spec: unknown): {spec: unknown}
}

/** `style="a: b; c: d"` as `a="b" c="d"` (SVG presentation attributes), for a strict style-src. */
export function styleToAttributes(svg: string): string {
  return svg.replace(/ style="([^"]*)"/g, (_, body: string) =>
    body
      .split(';')
      .map((declaration) => declaration.split(':'))
      .filter((parts) => parts.length === 2 && /^\s*[a-z-]+\s*$/.test(parts[0]))
      .map(([name, value]) => ` ${name.trim()}="${value.trim()}"`)
      .join(''),
  )
}

/** The SVG of every chart in the model, by chart id. */
export async function renderChartSvgs(model: ReportModel): Promise<Map<string, string>> {
  // Lazy, like DuckDB in src/engines/duckdb.ts: only this command pays for loading them.
  const vega = require('vega') as VegaModule
  const {compile} = require('vega-lite') as VegaLiteModule
  const out = new Map<string, string>()
  for (const section of model.sections) {
    for (const block of section.blocks) {
      if (block.kind !== 'chart') continue
      const view = new vega.View(vega.parse(compile(block.chart.spec).spec), {renderer: 'none'})
      out.set(block.chart.id, escapeControlsInMarkup(styleToAttributes(await view.toSVG())))
      view.finalize()
    }
  }
  return out
}
