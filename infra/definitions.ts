/**
 * The state machine files the stacks deploy, read through the one loader (`statemachines/load.ts`)
 * so AWS runs exactly what LocalCloud runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinition, STATE_MACHINE_FILES, type StateMachineKey } from '../statemachines/load.ts';

export const MACHINE_FILES = STATE_MACHINE_FILES;
export type MachineKey = StateMachineKey;

/** Loads a definition with the given substitutions (each stack passes one map for all its machines). */
export type DefinitionLoader = (
  path: string,
  substitutions: Record<string, string>,
) => Record<string, unknown>;

export const loadWithStackValues: DefinitionLoader = (path, substitutions) =>
  loadDefinition(path, substitutions, { allowUnused: true });

export const definitionPath = (rootDir: string, machine: MachineKey) =>
  join(rootDir, 'statemachines', MACHINE_FILES[machine]);

/**
 * Loads one machine, or returns undefined while its file does not exist (the synth reports it as
 * missing and leaves the machine out). The loader names any placeholder the stack does not provide.
 */
export function loadMachine(
  rootDir: string,
  load: DefinitionLoader,
  machine: MachineKey,
  available: Record<string, string>,
): Record<string, unknown> | undefined {
  const path = definitionPath(rootDir, machine);
  if (!existsSync(path)) return undefined;
  return load(path, available);
}
