/**
 * `npm start`: the whole spotplane control plane on this machine — hub and worker regions in
 * LocalCloud, the real state machines and handlers — served on http://127.0.0.1:8787.
 *
 * Environment: PORT (default 8787), ENDPOINT_PORT (the workload's endpoint, default PORT + 1), SPOTPLANE_TIME_SCALE (default 10: simulated seconds per real
 * second), SPOTPLANE_CONFIG (JSON configuration; default hub us-east-1, workers us-east-1, us-west-2,
 * eu-west-1, eu-central-1), SPOTPLANE_LOG_LEVEL (Lambda logs: SILENT (default), INFO or DEBUG).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, configWarnings } from '../core/config.ts';
import { scaledClock } from '../emulator/clock.ts';
import { LocalControlPlane } from './deployment.ts';
import { createLocalEndpoint } from './endpoint.ts';
import { StartupError } from './errors.ts';
import { HistoryRecorder } from './history.ts';
import { createLocalServer } from './http-server.ts';
import { HELP, settingsFromEnv } from './server-settings.ts';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const unknown = argv.filter((a) => a !== '--');
  if (unknown.length > 0) throw new StartupError(`unknown argument(s): ${unknown.join(' ')} (see --help)`);
  const settings = settingsFromEnv(process.env);
  // EMF metrics are for CloudWatch; locally they would only flood the console.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const clock = scaledClock(settings.scale);
  // The endpoint listens first, so the API can show its URL; it asks the plane for targets per request.
  let plane: LocalControlPlane | undefined;
  const endpoint = createLocalEndpoint({
    targets: async () => (plane ? plane.endpointTargets() : []),
    log: settings.logLevel === 'SILENT' ? undefined : (line) => console.error(line),
  });
  const listen = (s: Server, port: number, name: string) =>
    new Promise<number>((resolve, reject) => {
      s.once('error', (error: Error & { code?: string }) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new StartupError(`${name} ${port} is already in use; set ${name} to another port`)
            : error,
        ),
      );
      s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    });
  const endpointPort = await listen(endpoint, settings.endpointPort, 'ENDPOINT_PORT');
  const endpointUrl = `http://127.0.0.1:${endpointPort}/`;
  plane = await LocalControlPlane.create({
    config: settings.config,
    clock,
    logLevel: settings.logLevel,
    // Every local task runs a real stand-in server behind the endpoint.
    workloadServers: true,
    endpointUrl,
  });
  // The market and where capacity ran, sampled for the dashboard's charts (bounded memory).
  const history = new HistoryRecorder(plane, clock).start();
  const server = createLocalServer(plane, (line) => console.error(line), { history });
  const port = await listen(server, settings.port, 'PORT');
  const url = `http://127.0.0.1:${port}`;
  console.log(`spotplane local control plane on ${url}  (dashboard: ${url}/)`);
  console.log(
    `  workload endpoint on ${endpointUrl}  (OpenAI-compatible; 503 with Retry-After until a replica is ready)`,
  );
  console.log(
    `  hub ${settings.config.hubRegion}; workers ${settings.config.workerRegions.join(', ')}; time x${settings.scale}`,
  );
  for (const warning of configWarnings(settings.config)) console.log(`  warning: ${warning}`);
  if (plane.missing.length > 0) console.log(`  not wired yet (files missing): ${plane.missing.join(', ')}`);
  console.log('Try:');
  console.log(
    `  curl -s -X POST ${url}/spot-provisioning -H 'content-type: application/json' -d '{"action":"enable"}'`,
  );
  console.log(`  curl -s ${url}/spot-instances`);
  console.log(
    `  curl -s ${endpointUrl}v1/chat/completions -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}'`,
  );
  console.log('Ctrl-C stops it.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    history.stop();
    console.log(`\n${signal}: stopping`);
    endpoint.close();
    endpoint.closeAllConnections();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // Pending simulated timers would keep the process alive; nothing needs them once the server is closed.
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StartupError || error instanceof ConfigError) {
    console.error(`spotplane: ${error.message}`);
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    console.error(`spotplane: port already in use (${error.message}); set PORT to another port`);
  } else {
    console.error('spotplane: failed to start:', error);
  }
  process.exit(1);
});
