/** What every spotplane handler factory receives: injected, so LocalCloud, mocks and AWS are interchangeable. */
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import type { AwsClients } from './clients.ts';
import type { Observability } from './observability.ts';

export interface HandlerDeps {
  clients: AwsClients;
  config: Config;
  clock: Clock;
  /** Defaults to a Powertools logger and metrics named after the function. */
  observability?: Observability;
}
