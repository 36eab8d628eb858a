/** Errors of the dashboard's browser code. */

/** A route answered 404: the server is older than the page (e.g. no `GET /_local/history`), not broken. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}
