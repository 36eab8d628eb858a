/** Reads the hub's exclusions (SSM state document) and the placement-score cache, hub region. */
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { type Exclusion, hubStateSchema } from '../../core/messages.ts';
import { parseScoreCache, type ScoreCache } from '../../core/ranking/index.ts';
import { callWithTimeout } from './call.ts';
import { awsErrorName, HubStateInvalidError } from './errors.ts';

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
    if (awsErrorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** The exclusions recorded in the hub state; no document yet means none. */
export async function readExclusions(
  ssm: SSMClient,
  region: string,
  parameter: string,
  timeoutMs: number,
): Promise<Exclusion[]> {
  const text = await getParameter(ssm, region, parameter, timeoutMs);
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HubStateInvalidError(parameter, 'not JSON', { cause });
  }
  const result = hubStateSchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new HubStateInvalidError(parameter, fields.join('; '), { cause: result.error });
  }
  return result.data.excluded_regions;
}

export async function readScoreCache(
  ssm: SSMClient,
  region: string,
  parameter: string,
  timeoutMs: number,
): Promise<ScoreCache | null> {
  return parseScoreCache(await getParameter(ssm, region, parameter, timeoutMs));
}

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
