/**
 * GetInstanceDetails raises no errors of its own: a client cannot send it anything wrong (404/405 come
 * from the router), and a bad state document is the shared `StateDocumentError`, answered with a 500.
 */
export { StateDocumentError } from '../shared/errors.ts';
