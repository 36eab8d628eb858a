/** Deterministic randomness for LocalCloud: the same seed gives the same market, ids and timings. */

/** FNV-1a: a stable 32-bit hash of a string, to derive independent streams from one seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
}

/** mulberry32: a uniform [0, 1) generator fully determined by its 32-bit start state. */
export function mulberry32(start: number): () => number {
  let state = start;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Small, fast and good enough for a market model; seeded by `seed` and a stream name. */
export function seededRandom(seed: number | string, stream = ''): Random {
  const next = mulberry32(hash32(`${seed}/${stream}`));
  return { next, between: (min, max) => min + (max - min) * next() };
}
