/** What one benchmark module reports: figures keyed by metric name, with unit and target for humans. */
export interface Figure {
  key: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 0.15"; omitted for figures that are only reported. */
  target?: string;
}

export interface Benchmark {
  name: string;
  measure(): Promise<Figure[]>;
}
