import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { RunTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { createLocalCloud, type LocalCloud } from '../../emulator/index.ts';
import { startWorkloadServer, type WorkloadServer } from '../../emulator/workload-server.ts';
import { advanceWithIo } from '../support/drive-io.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected structurally.
type Json = any;
const get = (url: string) =>
  fetch(url).then(async (r) => ({ status: r.status, body: (await r.json()) as Json, headers: r.headers }));
const chat = (url: string, body: unknown) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

describe('stand-in workload server', () => {
  let server: WorkloadServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('answers 503 while loading and serves the OpenAI-compatible routes once its start time has passed', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    server = await startWorkloadServer({
      instanceId: 'i-0abc',
      region: 'us-west-2',
      model: 'Qwen/Qwen2.5-1.5B-Instruct',
      healthPath: '/health',
      clock,
      readyAt: new Date('2026-11-24T10:00:40Z'),
    });
    const loading = await get(`${server.url}/health`);
    const early = await chat(server.url, { messages: [{ role: 'user', content: 'hi' }] });
    await clock.advance(40_000);
    const healthy = await get(`${server.url}/health`);
    const models = await get(`${server.url}/v1/models`);
    const reply = await chat(server.url, { model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    expect(loading.status).toBe(503);
    expect(early.status).toBe(503);
    expect(healthy).toMatchObject({
      status: 200,
      body: { status: 'ok', instance_id: 'i-0abc', region: 'us-west-2' },
    });
    expect(models.body).toMatchObject({
      object: 'list',
      data: [{ id: 'Qwen/Qwen2.5-1.5B-Instruct', object: 'model' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: 'chat.completion',
      model: 'Qwen/Qwen2.5-1.5B-Instruct',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
    });
    expect(reply.body.choices[0].message.content).toBe('Hello from i-0abc in us-west-2.');
    expect(reply.body.usage.total_tokens).toBe(
      reply.body.usage.prompt_tokens + reply.body.usage.completion_tokens,
    );
  });

  it('answers a bad chat request with 400 naming the field, and unknown routes with 404', async () => {
    const clock = virtualClock();
    server = await startWorkloadServer({
      instanceId: 'i-0abc',
      region: 'us-west-2',
      model: 'm',
      healthPath: '/health',
      clock,
      readyAt: clock.now(),
    });
    expect(await chat(server.url, { messages: [] })).toMatchObject({
      status: 400,
      body: { error: { param: 'messages' } },
    });
    expect(await chat(server.url, { messages: ['x'] })).toMatchObject({
      status: 400,
      body: { error: { param: 'messages.0' } },
    });
    expect(await chat(server.url, '{not json')).toMatchObject({
      status: 400,
      body: { error: { param: 'body' } },
    });
    expect((await get(`${server.url}/v2/else`)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/models`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('LocalCloud with stand-in workload servers', () => {
  let cloud: LocalCloud | undefined;
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });

  it('runs a real server per RUNNING task, marks it HEALTHY only after a real check passed, and stops it with the task', async () => {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    cloud = createLocalCloud({
      clock,
      seed: 'stand-in',
      markets: { 'us-west-2': { placementScore: 8, spotPrice: 0.3 } },
      launchTiming: {
        bootMs: 60_000,
        agentRegistrationMs: 0,
        containerStartMs: 30_000,
        healthyAfterMs: 45_000,
      },
      workloadServers: { model: 'm', healthPath: '/health' },
    });
    const c = cloud;
    const here = c.region('us-west-2');
    here.autoScaling.createGroup({ name: 'g', instanceTypes: ['g6.xlarge'], minSize: 0, maxSize: 2 });
    // A provider with managed scaling keeps the task PROVISIONING until the instance registers.
    here.ecs.createCluster({
      name: 'c',
      autoScalingGroups: ['g'],
      capacityProviders: ['g'],
      managedScaling: ['g'],
    });
    const taskDefinition = here.ecs.registerTaskDefinition({
      family: 'f',
      containerName: 'workload',
      image: 'x',
      healthCheck: true,
    });
    await c
      .clients()
      .ecs('us-west-2')
      .send(
        new RunTaskCommand({
          cluster: 'c',
          taskDefinition,
          capacityProviderStrategy: [{ capacityProvider: 'g', weight: 1 }],
        }),
      );
    await c
      .clients()
      .autoScaling('us-west-2')
      .send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    const io = () => c.ioInFlight();
    // Boot 60 s + container start 30 s: RUNNING, the server up but still loading (45 s).
    await advanceWithIo(clock, io, 100_000);
    const [running] = await here.ecs.workloads();
    expect(running?.healthStatus).toBe('UNKNOWN');
    expect((await fetch(`${running?.url}/health`)).status).toBe(503);
    // The checks run every 30 s from RUNNING (t = 120 s, 150 s): the server is ready at 135 s, so the
    // check at 150 s is the first that passes.
    await advanceWithIo(clock, io, 40_000);
    expect((await here.ecs.workloads())[0]?.healthStatus).toBe('UNKNOWN');
    await advanceWithIo(clock, io, 15_000);
    expect((await here.ecs.workloads())[0]?.healthStatus).toBe('HEALTHY');
    c.interrupt('us-west-2');
    await advanceWithIo(clock, io, 150_000);
    expect(await here.ecs.workloads()).toEqual([]);
    await expect(fetch(`${running?.url}/health`)).rejects.toThrow();
  });
});
