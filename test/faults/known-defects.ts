/**
 * Scenarios today's hub fails, each with the defect that makes it fail (issue 11 unless said otherwise).
 * They run as `it.fails`, so `main` stays green while the suite documents reality; whoever fixes a
 * defect deletes its entry here (the scenario then has to pass). Never add an entry to get green
 * without naming the product defect the scenario exposes.
 */
export const KNOWN_DEFECTS: Readonly<Record<string, string>> = {
  'the hub restarts mid-cycle: Orchestrator stopped, then started again with its last input':
    'two Orchestrators with the same run number (a start by hand with the last input) both pass the run fence of StateTable.writeStatus and take turns for ever: none is Superseded',
  'plain disable during a failover (hands off must not freeze a move with both regions up)':
    "a plain disable freezes a make-before-break move: the target's launch goes on, the region being left is never torn down (its ASG replaces the interrupted instance), two regions run for ever",
  'random sequences of operations keep every invariant':
    'a plain disable during a failover leaves two regions running for ever (shrinks to enable, interrupt at 120 s, plain disable at 150 s)',
};
