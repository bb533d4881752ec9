/**
 * Renders the report's Vega-Lite specs to SVG text at build time, with vega's Node API and no
 * browser: `new vega.View(vega.parse(compile(spec).spec), {renderer: 'none'}).toSVG()`. vega and
 * vega-lite are ES modules and large, so they are imported here, lazily, only by `lakegov report`.
 * vega escapes the text and attribute values it writes; the page's CSP refuses style attributes,
 * so any that appear become presentation attributes.
 */
import type {ReportModel} from '../core/report/model'

interface VegaModule {
  View: new (runtime: unknown, options: {renderer: 'none'}) => {toSVG(): Promise<string>; finalize(): void}
  parse(spec: unknown): unknown
}

interface VegaLiteModule {
  compile(spec: unknown): {spec: unknown}
}

// tsc compiles import() to require() for CommonJS; vega and vega-lite are ES modules only, so the
// real dynamic import is kept out of tsc's sight.
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>

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
  const vega = await importModule<VegaModule>('vega')
  const {compile} = await importModule<VegaLiteModule>('vega-lite')
  const out = new Map<string, string>()
  for (const section of model.sections) {
    for (const block of section.blocks) {
      if (block.kind !== 'chart') continue
      const view = new vega.View(vega.parse(compile(block.chart.spec).spec), {renderer: 'none'})
      out.set(block.chart.id, styleToAttributes(await view.toSVG()))
      view.finalize()
    }
  }
  return out
}
