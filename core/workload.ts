/**
 * The user's workload as the task definition runs it: the configured container, with the family's
 * default inference server filled in when no image is given. An image without a command runs the
 * image's own CMD; the default servers get a command that serves on the configured port.
 */
import { type AcceleratorFamily, acceleratorFamily } from './accelerator.ts';
import type { Config } from './config.ts';

/** The container's name in the task definition (ECS task overrides and logs name it). */
export const WORKLOAD_CONTAINER = 'workload';

/** The model the default servers load when the user brings no image of their own. */
export const DEFAULT_MODEL = 'Qwen/Qwen2.5-1.5B-Instruct';

/** SGLang's image, CUDA build (NVIDIA). */
export const DEFAULT_NVIDIA_IMAGE = 'lmsysorg/sglang:latest';
/** AWS's vLLM Deep Learning Container for Neuron, on the public ECR gallery (no ECR login needed). */
export const DEFAULT_NEURON_IMAGE =
  'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.9.1-neuronx-py311-sdk2.26.0-ubuntu22.04';

export interface Workload {
  family: AcceleratorFamily;
  image: string;
  /** Undefined: the image's own CMD. */
  command: string[] | undefined;
  environment: Record<string, string>;
  port: number;
  healthCheckPath: string;
}

function defaultCommand(family: AcceleratorFamily, port: number): string[] {
  if (family === 'nvidia') {
    return [
      'python3',
      '-m',
      'sglang.launch_server',
      '--model-path',
      DEFAULT_MODEL,
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
    ];
  }
  // vLLM's OpenAI-compatible server on Neuron; two NeuronCores (one Inferentia2 / Trainium chip).
  return [
    'python',
    '-m',
    'vllm.entrypoints.openai.api_server',
    '--model',
    DEFAULT_MODEL,
    '--device',
    'neuron',
    '--tensor-parallel-size',
    '2',
    '--max-num-seqs',
    '4',
    '--max-model-len',
    '2048',
    '--host',
    '0.0.0.0',
    '--port',
    String(port),
  ];
}

/**
 * The container to run, from the configuration.
 *
 * @example
 * workload(parseConfig({})).image; // 'lmsysorg/sglang:latest'
 */
export function workload(config: Pick<Config, 'container' | 'instanceTypes'>): Workload {
  const family = acceleratorFamily(config.instanceTypes);
  const { image, command, environment, port, healthCheckPath } = config.container;
  const defaultImage = family === 'nvidia' ? DEFAULT_NVIDIA_IMAGE : DEFAULT_NEURON_IMAGE;
  return {
    family,
    image: image ?? defaultImage,
    command: command ?? (image === undefined ? defaultCommand(family, port) : undefined),
    environment: { ...environment },
    port,
    healthCheckPath,
  };
}

/**
 * The configuration the Lambdas get: without the container's command and environment, which only the
 * task definition needs. Lambda allows 4 KB of environment variables per function in all, and the
 * container's variables are the user's to give to the container alone.
 */
export function controlPlaneConfig(config: Config): Config {
  const { command: _command, environment: _environment, ...container } = config.container;
  return { ...config, container };
}
