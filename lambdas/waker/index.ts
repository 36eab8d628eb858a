export { handleReport, makeHandler, type WakerResult } from './waker.ts';
