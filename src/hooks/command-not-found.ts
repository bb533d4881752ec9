import {Errors, type Hook} from '@oclif/core'

import {compareText} from '../core/order'
import {editDistance} from '../core/policy/suggest'

/**
 * The command or topic closest to what was typed, or undefined when nothing is close (more than
 * half the typed length away, and more than 2 edits).
 */
export function closestCommand(typed: string, commands: readonly string[]): string | undefined {
  const scored = commands.map((command) => ({command, distance: editDistance(typed, command)}))
  scored.sort((a, b) => a.distance - b.distance || compareText(a.command, b.command))
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
