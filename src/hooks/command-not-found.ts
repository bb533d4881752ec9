import {Errors, type Hook} from '@oclif/core'

/** Edit distance between two strings (insertions, deletions and substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]
}

/**
 * The command or topic closest to what was typed, or undefined when nothing is close (more than
 * half the typed length away, and more than 2 edits).
 */
export function closestCommand(typed: string, commands: readonly string[]): string | undefined {
  const scored = commands.map((command) => ({command, distance: editDistance(typed, command)}))
  scored.sort((a, b) => a.distance - b.distance || a.command.localeCompare(b.command))
  const best = scored[0]
  return best && best.distance <= Math.max(2, typed.length / 2) ? best.command : undefined
}

/** Unknown commands are usage errors (exit 64) that name the closest command and point to --help. */
const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.split(':').join(' ')
  const visible = [...options.config.commands, ...options.config.topics].filter((entry) => !entry.hidden)
  const closest = closestCommand(typed, [...new Set(visible.map((entry) => ('id' in entry ? entry.id : entry.name).split(':').join(' ')))])
  const bin = options.config.bin
  throw new Errors.CLIError(`${typed} is not a ${bin} command.${closest ? ` Did you mean ${bin} ${closest}?` : ''}`, {
    exit: 64,
    suggestions: [`Run ${bin} --help for the list of commands.`],
  })
}

export default hook
