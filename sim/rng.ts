/**
 * Seeded pseudo-random numbers for traces. Every stream is derived from (seed, label), so adding a
 * region or an instance type never changes the numbers another region or type draws.
 */
import { hash32, mulberry32 } from '../emulator/random.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Exponentially distributed with the given mean: the gap between events of a Poisson process. */
  exponential(mean: number): number;
}

/** mulberry32 (shared with LocalCloud's market), seeded by (seed, label). */
export function rng(seed: number, label = ''): Rng {
  const next = mulberry32(hash32(`${seed}:${label}`));
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
}
