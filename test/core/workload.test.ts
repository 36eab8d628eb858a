import { describe, expect, it } from 'vitest';
import {
  acceleratorFamily,
  commonNeuronDevices,
  familyOfType,
  neuronDevices,
  spotQuotaOf,
} from '../../core/accelerator.ts';
import { parseConfig } from '../../core/config.ts';
import {
  controlPlaneConfig,
  DEFAULT_MODEL,
  DEFAULT_NEURON_IMAGE,
  DEFAULT_NVIDIA_IMAGE,
  workload,
} from '../../core/workload.ts';

describe('accelerator families', () => {
  it.each([
    ['g6.xlarge', 'nvidia'],
    ['g4dn.xlarge', 'nvidia'],
    ['gr6.4xlarge', 'nvidia'],
    ['p4d.24xlarge', 'nvidia'],
    ['p6-b200.48xlarge', 'nvidia'],
    ['inf2.xlarge', 'neuron'],
    ['inf1.6xlarge', 'neuron'],
    ['trn1.32xlarge', 'neuron'],
    ['trn1n.32xlarge', 'neuron'],
    ['trn2.48xlarge', 'neuron'],
    ['c7i.xlarge', undefined],
    ['m5.large', undefined],
  ])('derives the family of %s: %s', (type, family) => {
    expect(familyOfType(type)).toBe(family);
  });

  it('refuses to name one family for a mix', () => {
    expect(acceleratorFamily(['trn1.2xlarge', 'inf2.xlarge'])).toBe('neuron');
    expect(() => acceleratorFamily(['g6.xlarge', 'trn1.2xlarge'])).toThrowError(/instanceTypes: mixes/);
    expect(() => acceleratorFamily([])).toThrowError(/instanceTypes: no instance type/);
  });

  it.each([
    ['g6.xlarge', 'L-3819A6DF', 'All G and VT Spot Instance Requests'],
    ['vt1.3xlarge', 'L-3819A6DF', 'All G and VT Spot Instance Requests'],
    ['p5.48xlarge', 'L-7212CCBC', 'All P Spot Instance Requests'],
    ['inf2.8xlarge', 'L-B5D1601B', 'All Inf Spot Instance Requests'],
    ['trn1.32xlarge', 'L-6B0D517C', 'All Trn Spot Instance Requests'],
    ['trn2.48xlarge', 'L-6B0D517C', 'All Trn Spot Instance Requests'],
  ])('counts %s against Spot quota %s (%s)', (type, code, name) => {
    expect(spotQuotaOf(type)).toEqual({ code, name });
  });

  it('maps only the Neuron devices every type of the group has', () => {
    expect(neuronDevices('inf2.48xlarge')).toBe(12);
    expect(neuronDevices('trn1.32xlarge')).toBe(16);
    expect(commonNeuronDevices(['inf2.24xlarge', 'inf2.48xlarge'])).toBe(6);
    expect(commonNeuronDevices(['inf2.xlarge', 'inf2.48xlarge'])).toBe(1);
  });
});

describe('workload', () => {
  it("keeps today's SGLang server as the NVIDIA default, serving on the configured port", () => {
    const w = workload(parseConfig({ container: { port: 8080 } }));
    expect(w).toMatchObject({ family: 'nvidia', image: DEFAULT_NVIDIA_IMAGE, port: 8080, environment: {} });
    expect(w.command).toEqual([
      'python3',
      '-m',
      'sglang.launch_server',
      '--model-path',
      DEFAULT_MODEL,
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
    ]);
  });

  it('serves the default model with vLLM for Neuron on the Neuron device', () => {
    const w = workload(parseConfig({ instanceTypes: ['inf2.xlarge'] }));
    expect(w.family).toBe('neuron');
    expect(w.image).toBe(DEFAULT_NEURON_IMAGE);
    expect(w.command?.join(' ')).toContain(
      'vllm.entrypoints.openai.api_server --model Qwen/Qwen2.5-1.5B-Instruct',
    );
    expect(w.command?.join(' ')).toContain('--device neuron');
    expect(w.command?.slice(-2)).toEqual(['--port', '30000']);
  });

  it("runs a user image's own CMD unless a command is given", () => {
    expect(workload(parseConfig({ container: { image: 'me/server:1' } })).command).toBeUndefined();
    const given = workload(
      parseConfig({
        container: { image: 'me/server:1', command: ['serve', '--fast'], environment: { A: '1' } },
      }),
    );
    expect(given).toMatchObject({
      image: 'me/server:1',
      command: ['serve', '--fast'],
      environment: { A: '1' },
    });
  });
});

describe('controlPlaneConfig', () => {
  it("keeps the container's command and environment out of what the Lambdas get, and stays valid", () => {
    const config = parseConfig({
      container: { image: 'me/server:1', command: ['serve'], environment: { HF_TOKEN: 'hf_x' } },
    });
    const lambdas = controlPlaneConfig(config);
    expect(lambdas.container).toEqual({
      image: 'me/server:1',
      port: 30000,
      healthCheckPath: '/health',
      imagePullSeconds: 600,
    });
    expect(JSON.stringify(lambdas)).not.toContain('hf_x');
    expect(parseConfig(JSON.parse(JSON.stringify(lambdas)))).toEqual(lambdas);
  });
});
