import {sourceOf, type FilterExpression, type FilterPattern} from './filter-pattern'

/**
 * Static warnings about a parsed pattern, before any event is seen.
 *
 * The precedence trap: AWS's order of operations is `() > && > ||` (CloudWatch Logs user guide,
 * "Filter pattern syntax", compound expressions), so in `{ A || B && C }` the `&& C` applies to B
 * only. The CIS AWS Foundations Benchmark v2 to v6 text of "unauthorized API calls" falls into it:
 * `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") &&
 * ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}` excludes
 * HeadBucket and the delivery service from the AccessDenied branch only.
 */
export function lintPattern(pattern: FilterPattern): string[] {
  const warnings: string[] = []
  visit(pattern.expression, (node) => {
    if (node.kind !== 'or') return
    node.operands.forEach((operand, index) => {
      if (operand.kind === 'and' && operand.parenthesized === 0) warnings.push(precedenceWarning(pattern, node.operands, index))
      if (operand.kind === 'condition' && operand.test.kind === 'compare' && operand.test.operator === '!=') {
        warnings.push(`"${sourceOf(pattern, operand)}" is an exclusion joined with ||: it matches every event where the field differs, which is nearly every event. Join exclusions with && instead.`)
      }
    })
  })
  return warnings
}

function precedenceWarning(pattern: FilterPattern, branches: FilterExpression[], index: number): string {
  const chain = branches[index] as Extract<FilterExpression, {kind: 'and'}>
  const others = branches.filter((_, at) => at !== index).map((branch) => sourceOf(pattern, branch))
  const [own, ...rest] = chain.operands.map((operand) => sourceOf(pattern, operand))
  let message =
    `&& binds tighter than ||, so "${rest.join(' && ')}" applies only to the branch "${own}", ` +
    `not to ${others.map((other) => `"${other}"`).join(', ')}.`
  if (index === branches.length - 1) {
    const grouped = [...others, own].join(' || ')
    message += ` If it should apply to every branch, write { (${grouped}) && ${rest.join(' && ')} }; otherwise add parentheses around the && to say so.`
  } else {
    message += ' Add parentheses to say which you mean.'
  }
  return message
}

function visit(node: FilterExpression, callback: (node: FilterExpression) => void): void {
  callback(node)
  if (node.kind !== 'condition') for (const operand of node.operands) visit(operand, callback)
}
