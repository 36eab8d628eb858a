/**
 * The headline of a simulation report, shared by the CLI summary and the HTML page: one verdict line
 * ("99.99 % available at 0.32x on-demand; 2.5 % cheaper and 40 min less downtime than break-before-make")
 * and a short glossary of the words the figures use.
 */
import { duration } from '../core/display.ts';
import type { RunReport } from './report.ts';
import type { SimulationResult } from './simulate.ts';

/**
 * An availability as a percentage with two decimals, or more when two would round a shortfall up to
 * `100.00 %` (a run that lost 20 s in a month is not 100 % available).
 */
export function availabilityText(fraction: number): string {
  let digits = 2;
  while (digits < 6 && fraction < 1 && (fraction * 100).toFixed(digits) === (100).toFixed(digits)) digits++;
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** `0.32x`: a cost ratio with the precision its size needs. */
export const ratioText = (x: number): string => `${x.toFixed(x < 0.1 ? 3 : 2)}x`;

function headline(r: RunReport): string {
  return `${availabilityText(r.availability)} available at ${ratioText(r.costVsOnDemand)} on-demand`;
}

/** How `r` compares with `base` on cost and downtime: `2.5 % cheaper and 40 min less downtime`. */
function comparison(r: RunReport, base: RunReport): string {
  const cheaper = base.costUsd > 0 ? (base.costUsd - r.costUsd) / base.costUsd : 0;
  const cost =
    Math.abs(cheaper) < 0.0005
      ? 'the same cost'
      : `${Math.abs(cheaper * 100).toFixed(1)} % ${cheaper > 0 ? 'cheaper' : 'dearer'}`;
  const less = base.downtimeS - r.downtimeS;
  const downtime =
    Math.abs(less) < 0.5
      ? 'the same downtime'
      : `${duration(Math.abs(less) * 1000)} ${less > 0 ? 'less' : 'more'} downtime`;
  return `${cost} and ${downtime}`;
}

/**
 * The one line a reader needs first: how available spotplane was and at what share of the on-demand price,
 * and how it compares with break-before-make; when spotplane did not run, the baseline's own figures.
 */
export function verdict(result: SimulationResult): string {
  const s = result.spotplane;
  const b = result.baseline;
  if (!s) return `spotplane was not run; break-before-make alone: ${headline(b)}`;
  return `${headline(s)}; ${comparison(s, b)} than break-before-make`;
}

/** The words the report uses, each with what it means in these figures. */
export const GLOSSARY: readonly (readonly [term: string, meaning: string])[] = [
  [
    'availability',
    'the share of time, from the first moment the target number of replicas was ready to the end of the run, with at least that many ready (start-up is not an outage)',
  ],
  ['downtime', 'the time within that span with fewer ready replicas than the target'],
  [
    'cost / on-demand',
    'what the run cost (Spot at the trace price of its zone, billed per second with a 60 s minimum) divided by the target number of replicas on demand at the cheapest configured type and region for the whole run',
  ],
  ['spot share', 'the share of billed instance-time on Spot (the rest ran on demand)'],
  [
    'oracle',
    'a hindsight lower bound: the target number of instances, always in the cheapest region with Spot capacity, moving instantly and for free',
  ],
  [
    'baseline',
    'break-before-make, the policy spotplane replaces: launch in the best-scored region; a replacement only after the interrupted instance is gone; when no region has capacity, wait 600 s and retry (no region is ever excluded)',
  ],
  [
    'round robin',
    'each new Spot replica in the next zone of one fixed cycle over every zone of every region; Spot only (SkyServe’s placement baseline)',
  ],
  [
    'SpotHedge',
    'SkyServe’s policy (EuroSys ’25): Spot replicas spread over zones that were not preempted, spare replicas as a hedge, on-demand for exactly the shortfall',
  ],
  ['failover', 'a capacity loss that hit a live replica (an interruption or a drought)'],
  [
    'serving gap',
    'the time with fewer ready replicas than the target, from a loss until the next loss or the end of the run',
  ],
  ['reaction', 'from a loss to the control plane’s next launch request'],
  [
    'control plane bill',
    'what spotplane’s own AWS resources (Step Functions, Lambda, EventBridge, parameters, API, Global Accelerator) cost per month at this run’s rate',
  ],
];
