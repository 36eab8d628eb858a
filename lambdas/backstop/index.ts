export {
  BACKSTOP_SCHEDULE,
  type BackstopResult,
  backstop,
  makeHandler,
  wantsOrchestrator,
} from './backstop.ts';
