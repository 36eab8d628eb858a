/** What spotplane reads from EC2's instance descriptions. */
import type { Instance } from '@aws-sdk/client-ec2';
import type { Lifecycle } from '../../core/messages.ts';

/**
 * An instance's purchase option. EC2 sets `InstanceLifecycle` only for Spot (and scheduled) instances; absent means
 * on-demand (EC2 API Reference, Instance).
 */
export const lifecycleOf = (instance: Pick<Instance, 'InstanceLifecycle'>): Lifecycle =>
  instance.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand';
