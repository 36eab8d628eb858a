/** Switches the hub's EventBridge rules (worker events in, hub -> worker forwarding out) on or off. */
import { DisableRuleCommand, EnableRuleCommand } from '@aws-sdk/client-eventbridge';
import type { Config } from '../../core/config.ts';
import { hubRuleNames, names } from '../../core/naming.ts';
import type { AwsClients } from './clients.ts';

/** Enables or disables every hub rule (`hubRuleNames`) on the hub bus; returns the rule names. */
export async function setHubRules(clients: AwsClients, config: Config, enabled: boolean): Promise<string[]> {
  const eventBridge = clients.eventBridge(config.hubRegion);
  const bus = names(config.prefix).hubBus;
  const rules = hubRuleNames(config.prefix, config.workerRegions);
  for (const rule of rules) {
    const input = { Name: rule, EventBusName: bus };
    await eventBridge.send(enabled ? new EnableRuleCommand(input) : new DisableRuleCommand(input));
  }
  return rules;
}
