/** Errors of the local server (`npm start`). Each names what to fix. */

/** The environment `npm start` was given is unusable (a bad PORT, scale, config or log level). */
export class StartupError extends Error {
  override name = 'StartupError';
}
