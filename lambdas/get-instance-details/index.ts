export { detailsRoutes, makeHandler } from './details.ts';
