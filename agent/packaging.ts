/**
 * How the agent is installed on a worker instance: systemd units, the user-data snippet that writes
 * them, and the single-file bundle. The worker stack imports `agentUserData()` for its launch template.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const AGENT_BUNDLE_NAME = 'spot-agent.cjs';

export interface AgentInstallOptions {
  /** Where the bundle lives on the instance. */
  installDir?: string;
  /** Path of the agent's JSON config on the instance. */
  configPath?: string;
  /** Node.js binary (>= 20) on the instance. */
  nodePath?: string;
  /** Units that run the workload; the restore oneshot finishes before they start. */
  workloadUnits?: readonly string[];
  /** Install the idle-shutdown timer (the config's `idle` block then sets its thresholds). */
  idleShutdown?: boolean;
}

const defaults = {
  installDir: '/opt/spotplane-agent',
  configPath: '/etc/spotplane/agent.json',
  nodePath: '/usr/bin/node',
  workloadUnits: ['ecs.service'] as readonly string[],
  idleShutdown: false,
};

function resolved(options: AgentInstallOptions) {
  const o = { ...defaults, ...options };
  const command = (verb: string) =>
    `${o.nodePath} ${o.installDir}/${AGENT_BUNDLE_NAME} ${verb} --config ${o.configPath}`;
  return { ...o, command };
}

/** The systemd unit files, by file name. */
export function systemdUnits(options: AgentInstallOptions = {}): Record<string, string> {
  const o = resolved(options);
  const units: Record<string, string> = {
    'spot-watch.service': `[Unit]
Description=spotplane Spot interruption watcher (checkpoint to S3 on notice)
Wants=network-online.target
After=network-online.target
StartLimitBurst=3
StartLimitIntervalSec=60

[Service]
Type=simple
ExecStart=${o.command('watch')}
Restart=always
RestartSec=3
# Covers the 60 s checkpoint deadline plus the upload when the instance is shut down mid-checkpoint.
TimeoutStopSec=70
KillMode=mixed

[Install]
WantedBy=multi-user.target
`,
    'spot-restore.service': `[Unit]
Description=spotplane checkpoint restore (S3 first) before the workload starts
Wants=network-online.target
After=network-online.target
Before=${o.workloadUnits.join(' ')}

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${o.command('restore')}
TimeoutStartSec=1800

[Install]
WantedBy=multi-user.target
`,
  };
  if (o.idleShutdown) {
    units['spot-idle.service'] = `[Unit]
Description=spotplane idle check (shuts the instance down after N idle checks in a row)

[Service]
Type=oneshot
ExecStart=${o.command('idle-check')}
`;
    units['spot-idle.timer'] = `[Unit]
Description=spotplane idle check every minute

[Timer]
OnBootSec=1min
OnUnitActiveSec=1min
AccuracySec=5s

[Install]
WantedBy=timers.target
`;
  }
  return units;
}

export interface AgentUserDataOptions extends AgentInstallOptions {
  /** The agent's config document (validated by the agent at start; any field error stops it loudly). */
  config: Record<string, unknown>;
  /** `s3://bucket/key` of the bundle (`npx tsx agent/cli.ts package` writes it); fetched with the AWS CLI. */
  bundleS3Uri: string;
}

/** A bash snippet for EC2 user data that installs the agent and starts its units. */
export function agentUserData(options: AgentUserDataOptions): string {
  const o = resolved(options);
  const units = systemdUnits(options);
  const heredoc = (path: string, body: string) =>
    `cat > ${path} <<'SPOTPLANE_EOF'\n${body.trimEnd()}\nSPOTPLANE_EOF`;
  const enable = [
    'spot-restore.service',
    'spot-watch.service',
    ...(o.idleShutdown ? ['spot-idle.timer'] : []),
  ];
  return [
    '# --- spotplane agent ---',
    `if ! command -v ${o.nodePath} >/dev/null 2>&1; then dnf install -y nodejs22 || dnf install -y nodejs; fi`,
    `if [ ! -x ${o.nodePath} ]; then ln -sf "$(command -v node-22 || command -v node)" ${o.nodePath}; fi`,
    `mkdir -p ${o.installDir} $(dirname ${o.configPath})`,
    `aws s3 cp ${options.bundleS3Uri} ${o.installDir}/${AGENT_BUNDLE_NAME}`,
    heredoc(o.configPath, JSON.stringify(options.config, null, 2)),
    ...Object.entries(units).map(([name, body]) => heredoc(`/etc/systemd/system/${name}`, body)),
    'systemctl daemon-reload',
    `systemctl enable ${enable.join(' ')}`,
    `systemctl start --no-block ${enable.join(' ')}`,
    '# --- end spotplane agent ---',
    '',
  ].join('\n');
}

/** Builds the single-file bundle (Node >= 20, CommonJS so bundled CJS dependencies need no shims). */
export async function buildBundle(entry: string, outFile: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    legalComments: 'none',
    // Only the `package` command needs esbuild, and never on an instance.
    external: ['esbuild'],
    logLevel: 'warning',
  });
}

/** Writes the bundle, the units and an example user-data snippet into `outDir`. */
export async function writePackage(
  entry: string,
  outDir: string,
  options: AgentInstallOptions = {},
): Promise<string[]> {
  await mkdir(join(outDir, 'systemd'), { recursive: true });
  const written = [join(outDir, AGENT_BUNDLE_NAME)];
  await buildBundle(entry, written[0] as string);
  for (const [name, body] of Object.entries(systemdUnits({ idleShutdown: true, ...options }))) {
    const path = join(outDir, 'systemd', name);
    await writeFile(path, body);
    written.push(path);
  }
  const example = join(outDir, 'user-data.example.sh');
  await writeFile(
    example,
    `#!/bin/bash\nset -euo pipefail\n${agentUserData({
      ...options,
      config: {
        job_id: 'my-job',
        s3_bucket: 'my-checkpoint-bucket',
        s3_prefix: 'checkpoints',
        checkpoint_dir: '/var/lib/spotplane/checkpoint',
        lock_file: '/run/spotplane/agent.lock',
      },
      bundleS3Uri: `s3://my-artifact-bucket/spotplane/${AGENT_BUNDLE_NAME}`,
    })}`,
  );
  written.push(example);
  return written;
}
