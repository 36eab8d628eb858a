/**
 * What lives where in the checkpoint bucket. The hub stack creates the bucket and uploads the agent, the
 * worker stack grants its instances the checkpoint prefix, and teardown counts checkpoints under it: one
 * place for the keys, so neither stack imports the other.
 */
import { AGENT_BUNDLE_NAME } from '../agent/packaging.ts';

/** Key prefix the agents write under (the agent's `s3_prefix`); their role is limited to it. */
export const CHECKPOINT_PREFIX = 'checkpoints';

/** Where the hub stack uploads the agent bundle inside the checkpoint bucket. */
export const AGENT_OBJECT_KEY = `agent/${AGENT_BUNDLE_NAME}`;
