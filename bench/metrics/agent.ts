/**
 * Agent benchmark: time from detecting a Spot notice to the upload being complete (verified) for a
 * 1 GiB checkpoint, against the local IMDSv2 stand-in and S3 (s3rver, in its own process). The checkpoint is written and
 * uploaded as a stream, so memory stays bounded; all temporary data is removed afterwards.
 */
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemAgentClock } from '../../agent/clock.ts';
import { parseAgentConfig } from '../../agent/config.ts';
import { ImdsClient } from '../../agent/imds.ts';
import type { AgentLog, AgentState } from '../../agent/log.ts';
import { systemProcessControl } from '../../agent/process.ts';
import { shellRunner } from '../../agent/runner.ts';
import { watch } from '../../agent/watch.ts';
import { startImdsStandIn } from '../../test/agent/support/imds-stand-in.ts';
import { startS3StandInProcess } from '../../test/agent/support/s3-stand-in.ts';
import type { Benchmark, Figure } from '../types.ts';

const GIB = 1024 ** 3;
const CHUNK = 8 * 1024 * 1024;

async function writeCheckpoint(path: string, bytes: number): Promise<void> {
  const chunk = randomFillSync(Buffer.alloc(CHUNK));
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += CHUNK) {
    if (!out.write(chunk.subarray(0, Math.min(CHUNK, bytes - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const benchmark: Benchmark = {
  name: 'agent',
  async measure(): Promise<Figure[]> {
    const root = await mkdtemp(join(tmpdir(), 'agent-bench-'));
    const s3 = await startS3StandInProcess();
    const imds = await startImdsStandIn();
    try {
      const checkpointDir = join(root, 'checkpoint');
      await mkdir(checkpointDir, { recursive: true });
      await writeCheckpoint(join(checkpointDir, 'model.safetensors'), GIB);
      imds.setNotice({ action: 'terminate', time: new Date(Date.now() + 120_000).toISOString() });

      const marks = new Map<AgentState, number>();
      let cpuAtDetection: NodeJS.CpuUsage | undefined;
      const log: AgentLog = {
        state: (state) => {
          marks.set(state, performance.now());
          if (state === 'DETECTED') cpuAtDetection = process.cpuUsage();
        },
        info: () => {},
        error: (message) => process.stderr.write(`bench agent: ${message}\n`),
      };
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 50);
      const config = parseAgentConfig({
        job_id: 'bench',
        s3_bucket: s3.bucket,
        s3_prefix: 'ckpt',
        checkpoint_dir: checkpointDir,
        lock_file: join(root, 'agent.lock'),
      });
      const imdsClient = new ImdsClient({ clock: systemAgentClock, endpoint: imds.endpoint });
      const outcome = await watch({
        config,
        clock: systemAgentClock,
        log,
        s3: s3.client,
        processes: systemProcessControl,
        runner: shellRunner,
        imds: imdsClient,
        instanceId: () => imdsClient.instanceId(),
      });
      clearInterval(sampler);
      const cpu = process.cpuUsage(cpuAtDetection);
      const detected = marks.get('DETECTED');
      const uploaded = marks.get('UPLOAD_OK');
      if (outcome.result !== 'handled' || detected === undefined || uploaded === undefined) {
        throw new Error(`agent benchmark: the upload did not complete (${JSON.stringify(outcome)})`);
      }
      const seconds = (uploaded - detected) / 1000;
      return [
        { key: 'agent_checkpoint_1gib_s', value: seconds, unit: 's', target: '<= 60' },
        { key: 'agent_checkpoint_1gib_mib_s', value: 1024 / seconds, unit: 'MiB/s' },
        // The agent's own share (hashing, signing, reading); the rest of the wall time is the stand-in.
        { key: 'agent_checkpoint_1gib_cpu_s', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
        { key: 'agent_checkpoint_peak_rss_mib', value: peakRss / 1024 ** 2, unit: 'MiB' },
      ];
    } finally {
      await imds.close();
      await s3.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};
