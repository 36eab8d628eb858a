/**
 * Scenarios today's hub fails, each with the defect that makes it fail (issue 11 unless said otherwise).
 * They run as `it.fails`, so `main` stays green while the suite documents reality; whoever fixes a
 * defect deletes its entry here (the scenario then has to pass). Never add an entry to get green
 * without naming the product defect the scenario exposes.
 */
export const KNOWN_DEFECTS: Readonly<Record<string, string>> = {
  'defect 3 (re-enable after a plain disable): the old region must not keep running beside the new one':
    'defect 3: a new Orchestrator starts from {} and never adopts or removes the capacity a plain disable left',
  'reordered: a teardown confirmation arrives late, after a re-enable':
    'defect 2: a late Teardown Completed is applied to the new run (RUNNING with region null)',
  'the teardown requests are dropped':
    'teardown is reported, not observed: a lost Teardown Requested leaves the region running under DISABLED',
  "the worker's loss report is dropped":
    'events are trusted, not observed: without Region Lost the hub never sees the region is gone',
  "an unused region's Auto Scaling group set to 1 by hand":
    'no drift correction: nothing compares what runs with what the plan wants',
  'an Auto Scaling group set to 1 by hand before anything is enabled':
    'no drift correction: capacity the plan does not want is never removed',
  'a worker that never answers a teardown':
    'teardown is reported, not observed: a teardown machine that dies leaves the region running, DISABLED',
  'the Orchestrator is stopped and nobody restarts it; then the serving region is interrupted':
    'nothing restarts a stopped Orchestrator (no backstop): the interruption is never acted on',
  'autoscaling:DescribeAutoScalingInstances throttled (Throttling) while enabling, failing over and tearing down':
    'a throttled membership check drops the interruption warning: no failover, RUNNING with nothing ready',
  'autoscaling:UpdateAutoScalingGroup throttled (Throttling) while enabling, failing over and tearing down':
    'a throttled scale-in leaves the old region half torn down; the API keeps listing its dead instance',
  'ecs:RunTask throttled (ThrottlingException) while enabling, failing over and tearing down':
    'a throttled RunTask fails the launch; the API keeps listing an instance that is gone',
  'sfn:ListExecutions throttled (ThrottlingException) while enabling, failing over and tearing down':
    'disable + teardown answered 5xx is retried by the user, but the teardown it half started is never finished',
  'random sequences of operations keep every invariant':
    'after a plain disable nothing updates the status: the API lists an interrupted instance long after it died',
  'sfn:StopExecution throttled (ThrottlingException) while enabling, failing over and tearing down':
    'disable + teardown answered 5xx after stopping part of the executions: the teardown is never finished',
};
