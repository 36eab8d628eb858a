export { TeardownRequestError } from './errors.ts';
export { makeHandler, type ToggleDeps, toggleRoutes } from './toggle.ts';
