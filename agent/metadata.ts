/** The `metadata.json` written beside every checkpoint: it marks a folder complete and names its job. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { METADATA_FILE } from './layout.ts';

/** Version of the agent (and of this metadata format) that wrote a checkpoint. */
export const AGENT_VERSION = '1.0.0';

export const checkpointMetadataSchema = z.object({
  job_id: z.string().min(1),
  instance_id: z.string().min(1),
  /** What caused the checkpoint: the Spot action (terminate/stop/hibernate), rebalance, sync or manual. */
  action: z.string().min(1),
  utc: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  version: z.string().min(1),
});
export type CheckpointMetadata = z.infer<typeof checkpointMetadataSchema>;

/** The metadata of the local copy in `dir`, or why it is not usable. */
export async function readLocalMetadata(
  dir: string,
): Promise<{ ok: true; metadata: CheckpointMetadata } | { ok: false; reason: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, METADATA_FILE), 'utf8');
  } catch (error) {
    return {
      ok: false,
      reason: `no readable ${METADATA_FILE} (${(error as NodeJS.ErrnoException).code ?? error})`,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${METADATA_FILE} is not valid JSON` };
  }
  const parsed = checkpointMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(top level)').join(', ');
    return { ok: false, reason: `${METADATA_FILE} is invalid (${fields})` };
  }
  return { ok: true, metadata: parsed.data };
}
