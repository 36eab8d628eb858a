/**
 * Reads the hub state document (exclusions, what runs) and the placement-score cache, hub region. Unlike
 * `HubStore`, every call here has a deadline: the RegionFinder must never stall on one slow answer.
 */
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { HubState } from '../../core/messages.ts';
import { parseScoreCache, type ScoreCache } from '../../core/ranking/index.ts';
import { isAwsError } from '../shared/aws-errors.ts';
import { parseHubState } from '../shared/hub-store.ts';
import { callWithTimeout } from '../shared/market/call.ts';

async function getParameter(
  ssm: SSMClient,
  region: string,
  name: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const output = await callWithTimeout({ operation: 'GetParameter', region, timeoutMs }, (abortSignal) =>
      ssm.send(new GetParameterCommand({ Name: name }), { abortSignal }),
    );
    return output.Parameter?.Value;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}

/** The hub state document, or null when there is none yet (nothing excluded, nothing running). */
export async function readHubState(
  ssm: SSMClient,
  region: string,
  parameter: string,
  timeoutMs: number,
): Promise<HubState | null> {
  const text = await getParameter(ssm, region, parameter, timeoutMs);
  return text === undefined ? null : parseHubState(parameter, text);
}

/** The stored placement-score cache, or null when there is none or it cannot be read as one. */
export async function readScoreCache(
  ssm: SSMClient,
  region: string,
  parameter: string,
  timeoutMs: number,
): Promise<ScoreCache | null> {
  return parseScoreCache(await getParameter(ssm, region, parameter, timeoutMs));
}

/** Stores the placement-score cache (overwriting: one entry, see core/ranking/score-cache.ts). */
export async function writeScoreCache(
  ssm: SSMClient,
  region: string,
  parameter: string,
  cache: ScoreCache,
  timeoutMs: number,
): Promise<void> {
  await callWithTimeout({ operation: 'PutParameter', region, timeoutMs }, (abortSignal) =>
    ssm.send(
      new PutParameterCommand({
        Name: parameter,
        Value: JSON.stringify(cache),
        Type: 'String',
        Overwrite: true,
      }),
      { abortSignal },
    ),
  );
}
