/**
 * The state machine files the stacks deploy, and the one way they are read: the `statemachines/`
 * loader, so AWS runs exactly what LocalCloud runs. Only the placeholders a file uses are passed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './errors.ts';

export const MACHINE_FILES = {
  orchestrator: 'orchestrator.asl.json',
  launch: 'launch-instance.asl.json',
  capacityMonitor: 'capacity-monitor.asl.json',
  teardown: 'teardown-instance.asl.json',
} as const;
export type MachineKey = keyof typeof MACHINE_FILES;

/** `loadDefinition(file, substitutions)` from statemachines/load.ts: the definition as an object. */
export type DefinitionLoader = (
  file: string,
  substitutions: Record<string, string>,
) => Record<string, unknown>;

export const definitionPath = (rootDir: string, machine: MachineKey) =>
  join(rootDir, 'statemachines', MACHINE_FILES[machine]);

/** The `${Name}` placeholders a definition file uses. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1] as string))].sort();
}

/**
 * Loads one machine, passing the placeholders its file uses out of `available`; a placeholder the
 * stack cannot supply is an error naming the file and the placeholder.
 */
export function loadMachine(
  rootDir: string,
  load: DefinitionLoader,
  machine: MachineKey,
  available: Record<string, string>,
): Record<string, unknown> {
  const path = definitionPath(rootDir, machine);
  if (!existsSync(path)) {
    throw new InfraError(`state machine file statemachines/${MACHINE_FILES[machine]} does not exist`);
  }
  const used = placeholdersIn(readFileSync(path, 'utf8'));
  const unknown = used.filter((p) => !(p in available));
  if (unknown.length > 0) {
    throw new InfraError(
      `statemachines/${MACHINE_FILES[machine]} uses placeholder(s) the stack does not provide: ${unknown.join(', ')}`,
    );
  }
  return load(path, Object.fromEntries(used.map((p) => [p, available[p] as string])));
}
