/**
 * The fault suite (issue 11): whole deployments on LocalCloud under the virtual clock, driven through
 * faults, races and hands in the console, each judged by the invariants after every clock step.
 * Scenarios today's hub fails run as `it.fails` with the defect named (known-defects.ts).
 */
import { describe } from 'vitest';
import { DEFECTS, DELIVERIES, FAULTS, FLEET, INTERRUPTIONS, MARKET, TOGGLES } from './scenarios.ts';
import { scenarioTests } from './suite.ts';

describe('fault suite: issue 11 defects', () => scenarioTests(DEFECTS));
describe('fault suite: enable / disable races', () => scenarioTests(TOGGLES));
describe('fault suite: interruptions', () => scenarioTests(INTERRUPTIONS));
describe('fault suite: the market', () => scenarioTests(MARKET));
describe('fault suite: AWS failing', () => scenarioTests(FAULTS));
describe('fault suite: event delivery', () => scenarioTests(DELIVERIES));
describe('fault suite: a fleet over regions', () => scenarioTests(FLEET));
