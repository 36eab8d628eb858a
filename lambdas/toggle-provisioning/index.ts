export { makeHandler, nextSpec, type ToggleDeps, toggle, toggleRoutes } from './toggle.ts';
