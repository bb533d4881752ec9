import {type JsonObject, alreadyExists, entityNotFound, epochSeconds, invalidInput, isObject, requiredString} from './aws-json'

/** The four classifier kinds, by the request/response member that carries each. */
export const CLASSIFIER_KINDS = ['GrokClassifier', 'XMLClassifier', 'JsonClassifier', 'CsvClassifier'] as const

/** One classifier kind. */
export type ClassifierKind = (typeof CLASSIFIER_KINDS)[number]

/** Required members of each Create*ClassifierRequest, from the Glue API model. */
const REQUIRED: Record<ClassifierKind, string[]> = {
  GrokClassifier: ['Classification', 'Name', 'GrokPattern'],
  XMLClassifier: ['Classification', 'Name'],
  JsonClassifier: ['Name', 'JsonPath'],
  CsvClassifier: ['Name'],
}

/** A classifier as Glue keeps it. */
export interface StoredClassifier {
  /** Which of the four kinds it is; an update must name the same kind. */
  kind: ClassifierKind
  /** The members given on create and update (Name, JsonPath, GrokPattern, ...). */
  fields: JsonObject
  /** When it was created. */
  creationTime: Date
  /** When it last changed. */
  lastUpdated: Date
  /** Starts at 1, bumped by every update. */
  version: number
}

/** The one classifier member a Create/UpdateClassifier request carries; Glue refuses zero or several. */
function memberOf(input: JsonObject, operation: string): {kind: ClassifierKind; fields: JsonObject} {
  const present = CLASSIFIER_KINDS.filter((kind) => input[kind] !== undefined && input[kind] !== null)
  if (present.length !== 1) throw invalidInput(`${operation} takes exactly one of ${CLASSIFIER_KINDS.join(', ')}.`)
  const [kind] = present
  const fields = input[kind]
  if (!isObject(fields)) throw invalidInput(`${kind} must be an object.`)
  return {kind, fields: structuredClone(fields)}
}

/**
 * Glue classifiers, which moto 5.2.1 does not implement at all (its server answers them with an
 * HTML 500). Only JsonClassifier changes what a simulated crawl does; the other kinds are stored and
 * returned so that code managing them can be tested.
 */
export class ClassifierStore {
  private readonly classifiers = new Map<string, StoredClassifier>()

  constructor(private readonly now: () => Date) {}

  create(input: JsonObject): object {
    const {kind, fields} = memberOf(input, 'CreateClassifier')
    for (const field of REQUIRED[kind]) requiredString(fields, field, `${kind}.`)
    const name = fields.Name as string
    if (this.classifiers.has(name)) throw alreadyExists(`Classifier ${name} already exists.`)
    const now = this.now()
    this.classifiers.set(name, {kind, fields, creationTime: now, lastUpdated: now, version: 1})
    return {}
  }

  update(input: JsonObject): object {
    const {kind, fields} = memberOf(input, 'UpdateClassifier')
    const name = requiredString(fields, 'Name', `${kind}.`)
    const stored = this.existing(name)
    if (stored.kind !== kind) throw invalidInput(`Classifier ${name} is a ${stored.kind}; it cannot be updated with ${kind}.`)
    // Update*ClassifierRequest members are all optional: what is given replaces, the rest stays.
    for (const [field, value] of Object.entries(fields)) if (value !== undefined && value !== null) stored.fields[field] = value
    stored.lastUpdated = this.now()
    stored.version += 1
    return {}
  }

  delete(input: JsonObject): object {
    const name = requiredString(input, 'Name')
    this.existing(name)
    this.classifiers.delete(name)
    return {}
  }

  get(input: JsonObject): object {
    return {Classifier: toWire(this.existing(requiredString(input, 'Name')))}
  }

  /** All classifiers, by name, in pages; the token is the offset, which is stable because names sort. */
  list(input: JsonObject): object {
    const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : 100
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) throw invalidInput('MaxResults must be 1 to 1000.')
    const offset = typeof input.NextToken === 'string' && input.NextToken !== '' ? Number(input.NextToken) : 0
    if (!Number.isInteger(offset) || offset < 0) throw invalidInput('NextToken is not valid.')
    const sorted = [...this.classifiers.keys()].sort().map((name) => this.classifiers.get(name) as StoredClassifier)
    const page = sorted.slice(offset, offset + maxResults)
    const next = offset + maxResults < sorted.length ? {NextToken: String(offset + maxResults)} : {}
    return {Classifiers: page.map(toWire), ...next}
  }

  /** The JsonPath of the first JSON classifier among these names; custom classifiers are tried in the crawler's order. */
  jsonPathOf(names: readonly string[]): string | undefined {
    for (const name of names) {
      const stored = this.classifiers.get(name)
      if (stored?.kind === 'JsonClassifier') return stored.fields.JsonPath as string
    }
    return undefined
  }

  /** Names among these that no classifier has. */
  missing(names: readonly string[]): string[] {
    return names.filter((name) => !this.classifiers.has(name))
  }

  reset(): void {
    this.classifiers.clear()
  }

  private existing(name: string): StoredClassifier {
    const stored = this.classifiers.get(name)
    if (stored === undefined) throw entityNotFound(`Classifier ${name} not found.`)
    return stored
  }
}

function toWire(stored: StoredClassifier): object {
  return {
    [stored.kind]: {
      ...stored.fields,
      CreationTime: epochSeconds(stored.creationTime),
      LastUpdated: epochSeconds(stored.lastUpdated),
      Version: stored.version,
    },
  }
}
