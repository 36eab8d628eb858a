/**
 * Seeded pseudo-random numbers for traces. Every stream is derived from (seed, label), so adding a
 * region or an instance type never changes the numbers another region or type draws.
 */

/** FNV-1a over the UTF-16 code units; good enough to spread labels over 32-bit seeds. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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

/** mulberry32: small, fast and fully determined by its 32-bit state. */
export function rng(seed: number, label = ''): Rng {
  let state = hash32(`${seed}:${label}`);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
