export { classify, makeHandler } from './classify.ts';
