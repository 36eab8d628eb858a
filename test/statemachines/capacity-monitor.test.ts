import { describe, expect, it } from 'vitest';
import { statesEntered } from './support/history.ts';
import { WorkerWorld } from './support/worker-world.ts';

const REGION = 'eu-west-1';

describe('CapacityMonitor', () => {
  it('tells the hub the region is lost on an interruption warning for one of our instances', async () => {
    const world = new WorkerWorld(REGION);
    const ours = world.addRunningInstance();
    const arn = world.start('capacityMonitor', 'aws.ec2', 'EC2 Spot Instance Interruption Warning', {
      'instance-id': ours,
      'instance-action': 'terminate',
    });
    const execution = await world.finish(arn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(world.eventsOfType('Region Lost').map((e) => e.detail)).toEqual([
      { prefix: 'spotplane', region: REGION, reason: 'SpotInterruption', instance_id: ours },
    ]);
    expect(statesEntered(execution)).toEqual(['Classify', 'IsRegionLost', 'ReportRegionLost']);
    // The classifier received the raw AWS event.
    expect(world.callsOf('lambda:invoke')[0]!.input).toMatchObject({
      Payload: { source: 'aws.ec2', detail: { 'instance-id': ours } },
    });
  });

  it('retries Region Lost through EventBridge failed entries, and fails visibly when it cannot be put', async () => {
    const world = new WorkerWorld(REGION);
    const ours = world.addRunningInstance();
    const warn = () =>
      world.start('capacityMonitor', 'aws.ec2', 'EC2 Spot Instance Interruption Warning', {
        'instance-id': ours,
        'instance-action': 'terminate',
      });
    world.failEntries = 3;
    const retried = await world.finish(warn());
    world.failEntries = 99;
    const lost = await world.finish(warn());

    expect(retried.status).toBe('SUCCEEDED');
    expect(world.eventsOfType('Region Lost')).toHaveLength(1);
    expect(lost).toMatchObject({ status: 'FAILED', error: 'EventBridge.FailedEntry' });
    expect(statesEntered(lost)).toContain('ReportFailed');
  });

  it('reports a terminated instance of ours with its reason', async () => {
    const world = new WorkerWorld(REGION);
    const ours = world.addRunningInstance();
    await world.finish(
      world.start('capacityMonitor', 'aws.ec2', 'EC2 Instance State-change Notification', {
        'instance-id': ours,
        state: 'terminated',
      }),
    );
    expect(world.eventsOfType('Region Lost')[0]!.detail).toMatchObject({
      reason: 'InstanceTerminated',
      instance_id: ours,
    });
  });

  it('ignores instances outside this ASG, and rebalance recommendations while they are off', async () => {
    const world = new WorkerWorld(REGION);
    const ours = world.addRunningInstance();
    const foreign = await world.finish(
      world.start('capacityMonitor', 'aws.ec2', 'EC2 Spot Instance Interruption Warning', {
        'instance-id': 'i-0fffffffffffffff',
        'instance-action': 'terminate',
      }),
    );
    const rebalance = await world.finish(
      world.start('capacityMonitor', 'aws.ec2', 'EC2 Instance Rebalance Recommendation', {
        'instance-id': ours,
      }),
    );
    for (const execution of [foreign, rebalance]) {
      expect(execution.status).toBe('SUCCEEDED');
      expect(statesEntered(execution)).toEqual(['Classify', 'IsRegionLost', 'Ignored']);
    }
    expect(world.eventsOfType('Region Lost')).toEqual([]);
  });

  it('reports an unsuccessful launch of our group with its EC2 error code, and ignores other groups', async () => {
    const world = new WorkerWorld(REGION);
    const detail = (group: string) => ({
      AutoScalingGroupName: group,
      StatusCode: 'Failed',
      StatusMessage:
        'We currently do not have sufficient g6.xlarge capacity in the Availability Zone you requested. Launching EC2 instance failed. (InsufficientInstanceCapacity)',
      EC2InstanceId: '',
    });
    const ours = await world.finish(
      world.start(
        'capacityMonitor',
        'aws.autoscaling',
        'EC2 Instance Launch Unsuccessful',
        detail(world.asgName),
      ),
    );
    const other = await world.finish(
      world.start(
        'capacityMonitor',
        'aws.autoscaling',
        'EC2 Instance Launch Unsuccessful',
        detail('someone-elses-asg'),
      ),
    );

    expect(statesEntered(ours)).toEqual(['Classify', 'IsRegionLost', 'ReportRegionLost']);
    expect(statesEntered(other)).toEqual(['Classify', 'IsRegionLost', 'Ignored']);
    expect(world.eventsOfType('Region Lost').map((e) => e.detail)).toEqual([
      { prefix: 'spotplane', region: REGION, reason: 'InsufficientInstanceCapacity', instance_id: null },
    ]);
  });
});
