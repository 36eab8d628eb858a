/** Errors of the simulator. Each names what was wrong (a flag, a field, a line) so a user can fix it. */

/** A market trace file that cannot be read: `line` is 1-based, 0 when the problem is the file as a whole. */
export class TraceParseError extends Error {
  override readonly name = 'TraceParseError';
  constructor(
    message: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message, options);
  }
}

/** Simulation settings that do not fit together (an unknown region, an instance type without a price). */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
}

/** The control plane under simulation did something the driver cannot account for. */
export class SimRunError extends Error {
  override readonly name = 'SimRunError';
}
