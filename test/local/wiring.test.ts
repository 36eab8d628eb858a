/** The local deployment must route events exactly as the stacks deploy them to AWS. */
import { describe, expect, it } from 'vitest';
import { workerEventsPattern } from '../../hub/stack.ts';
import { eventPatterns } from '../../local/cloud/control-plane.ts';
import { patterns } from '../../worker/events.ts';

describe('local event wiring', () => {
  it('uses the worker stack event patterns', () => {
    const local = eventPatterns('spotplane', 'us-west-2', 'spotplane-gpu');
    const { workerEvents: _hubSide, ...workerSide } = local;
    expect(workerSide).toEqual(patterns('spotplane', 'us-west-2', 'spotplane-gpu'));
  });

  it('uses the hub stack pattern for worker events', () => {
    expect(eventPatterns('spotplane', '', '').workerEvents).toEqual(workerEventsPattern('spotplane'));
  });
});
