import {LineCounter, isAlias, isCollection, isMap, isPair, isScalar, parseDocument, type Document, type Node} from 'yaml'

import type {PolicyIssue, PolicySource} from './types'

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
    // Duplicate keys are found by readYaml in one pass: yaml's own uniqueKeys check is quadratic in a map's size.
    this.document = parseDocument(text, {lineCounter: this.lines, prettyErrors: false, uniqueKeys: false})
  }

  /** The plain JavaScript value of the document; throws a ReferenceError when aliases expand past MAX_YAML_ALIASES. */
  value(): unknown {
    return this.document.toJS({maxAliasCount: MAX_YAML_ALIASES})
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

/**
 * Limits on a policy file (grants files and lake.yaml), so that a hostile or broken file is a
 * policy error (exit 3) rather than a hung or crashed process. A grants file of 1,000 grants is
 * about 150 KB; the deepest path the schemas allow (grants[0].columns.include[0]) is 5 levels.
 */
export const MAX_POLICY_FILE_CHARS = 1024 * 1024
/** Collections nested deeper than this are refused (the yaml parser itself overflows the stack near 2,000). */
export const MAX_YAML_DEPTH = 32
/** How many times aliases may be expanded per file: yaml's own guard against "billion laughs" alias bombs. */
export const MAX_YAML_ALIASES = 100

/** A parsed policy file and its plain value, or the issues that stop it from being read at all. */
export type YamlReadResult = {ok: true; file: YamlFile; value: unknown} | {ok: false; issues: PolicyIssue[]}

/**
 * Parses one policy file within the limits above: too large, too deeply nested, an alias bomb, or
 * a YAML syntax error each become an issue with the file and line, never an exception.
 */
export function readYaml(source: PolicySource): YamlReadResult {
  const top = {file: source.path, line: 1, column: 1, field: '(file)'}
  if (source.text.length > MAX_POLICY_FILE_CHARS) {
    const size = `${(source.text.length / (1024 * 1024)).toFixed(1)} MiB`
    return {ok: false, issues: [{...top, message: `the file is ${size}; policy files are limited to 1 MiB (${MAX_POLICY_FILE_CHARS} characters)`, hint: 'split the grants into several files under grants/'}]}
  }
  const file = new YamlFile(source.path, source.text)
  if (file.document.errors.length > 0) {
    // yaml reports a stack overflow while composing very deep nesting as RESOURCE_EXHAUSTION, once
    // or several times depending on the stack it was given: one issue says it.
    const exhausted = file.document.errors.find((error) => error.code === 'RESOURCE_EXHAUSTION')
    if (exhausted) return {ok: false, issues: [{...file.at(exhausted.pos[0]), message: `the YAML is nested too deeply (more than ${MAX_YAML_DEPTH} levels) or too large to read`}]}
    const issues = file.document.errors.map((error): PolicyIssue => ({...file.at(error.pos[0]), message: `YAML syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`}))
    return {ok: false, issues}
  }
  const {depth, deepest, firstAlias, duplicateKeys} = shapeOf(file.document)
  if (duplicateKeys.length > 0) {
    return {ok: false, issues: duplicateKeys.map((key) => ({...(key.range ? file.at(key.range[0]) : top), message: 'YAML syntax error: Map keys must be unique'}))}
  }
  if (depth > MAX_YAML_DEPTH) {
    return {ok: false, issues: [{...(deepest?.range ? file.at(deepest.range[0]) : top), message: `the YAML is nested ${depth} levels deep; policy files are limited to ${MAX_YAML_DEPTH}`}]}
  }
  try {
    return {ok: true, file, value: file.value()}
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    return {
      ok: false,
      issues: [
        {
          ...(firstAlias?.range ? file.at(firstAlias.range[0]) : top),
          message: `YAML aliases expand to more than ${MAX_YAML_ALIASES} copies (an alias bomb?): ${error.message}`,
          hint: 'write the values out, or use fewer *alias references',
        },
      ],
    }
  }
}

/**
 * How deep the document's collections nest and where, its first alias, and its duplicate map keys
 * (scalar keys with equal values, as yaml's uniqueKeys compares them). Walked with a stack, since
 * recursion is what deep nesting attacks.
 */
function shapeOf(document: Document): {depth: number; deepest?: Node; firstAlias?: Node; duplicateKeys: Node[]} {
  const duplicateKeys: Node[] = []
  let depth = 0
  let deepest: Node | undefined
  let firstAlias: Node | undefined
  const stack: Array<[unknown, number]> = [[document.contents, 0]]
  while (stack.length > 0) {
    const [node, level] = stack.pop()!
    if (isAlias(node)) firstAlias = firstAlias && (firstAlias.range?.[0] ?? 0) <= (node.range?.[0] ?? 0) ? firstAlias : node
    if (!isCollection(node)) continue
    if (level + 1 > depth) {
      depth = level + 1
      deepest = node
    }
    const keys = new Set<unknown>()
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (isScalar(item.key)) {
          if (keys.has(item.key.value)) duplicateKeys.push(item.key)
          keys.add(item.key.value)
        }
        stack.push([item.key, level + 1], [item.value, level + 1])
      } else stack.push([item, level + 1])
    }
  }
  duplicateKeys.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0))
  return {depth, deepest, firstAlias, duplicateKeys}
}
