import {LineCounter, isMap, isPair, isScalar, parseDocument, type Document, type Node} from 'yaml'

/** Where something is in a policy file. Lines and columns count from 1. */
export interface SourceRef {
  /** The file, as given to the parser (relative to the working directory when read from disk). */
  file: string
  /** The 1-based line. */
  line: number
  /** The 1-based column. */
  column: number
  /** The field, as a path: grants[2].permissions[0]. */
  field: string
}

/** A path into a YAML document: map keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>

/** Renders a path as a field name: grants[2].permissions. */
export function fieldOf(path: YamlPath): string {
  return path.reduce<string>((field, part) => (typeof part === 'number' ? `${field}[${part}]` : field ? `${field}.${part}` : part), '') || '(file)'
}

/** One parsed YAML file, able to say where any path in it is. */
export class YamlFile {
  readonly document: Document
  private readonly lines = new LineCounter()

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.document = parseDocument(text, {lineCounter: this.lines, prettyErrors: false, uniqueKeys: true})
  }

  /** The plain JavaScript value of the document. */
  value(): unknown {
    return this.document.toJS()
  }

  /** Where an offset is. */
  at(offset: number, path: YamlPath = []): SourceRef {
    const {line, col} = this.lines.linePos(offset)
    return {file: this.file, line, column: col, field: fieldOf(path)}
  }

  /**
   * Where a path is: the value's position, or with `key` the position of the key itself (for an
   * unknown key). Falls back to the nearest ancestor that exists, then to the top of the file.
   */
  locate(path: YamlPath, options: {key?: boolean} = {}): SourceRef {
    for (let depth = path.length; depth >= 0; depth--) {
      const prefix = path.slice(0, depth)
      const node = this.nodeAt(prefix, options.key && depth === path.length)
      if (node?.range) return this.at(node.range[0], path)
    }
    return {file: this.file, line: 1, column: 1, field: fieldOf(path)}
  }

  private nodeAt(path: YamlPath, wantKey: boolean | undefined): Node | undefined {
    if (path.length === 0) return (this.document.contents as Node | null) ?? undefined
    if (wantKey) {
      const parent = this.document.getIn(path.slice(0, -1), true)
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path.at(-1))
        if (pair && isScalar(pair.key)) return pair.key
      }
      return undefined
    }
    const node = this.document.getIn(path, true)
    return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined
  }
}
