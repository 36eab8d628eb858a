export { makeHandler, NO_SPEC, observeAll } from './observe.ts';
export { INTENT_TAG, observeRegion, type RegionTarget } from './region.ts';
