/**
 * `npm run sim -- --kubeconfig <file> [--port <n>] [--speed <x>]`: starts the simulated
 * cluster, writes a kubeconfig for it and serves until SIGTERM or SIGINT.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startSimulatedCluster } from './start-simulated-cluster.js';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run sim -- --kubeconfig <file> [--port <n>] [--speed <x>] [--nodes <n>] [--read-only-kubeconfig <file>]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'read-only-kubeconfig': { type: 'string' },
      port: { type: 'string', default: '0' },
      speed: { type: 'string', default: '1' },
      host: { type: 'string', default: '127.0.0.1' },
      nodes: { type: 'string', default: '1' },
    },
    strict: true,
  });
  if (!values.kubeconfig) usage('--kubeconfig is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    usage(`--port must be 0-65535, got ${values.port}`);
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 0)
    usage(`--speed must be a number >= 0, got ${values.speed}`);

  const nodeCount = Number(values.nodes);
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 100)
    usage(`--nodes must be 1-100, got ${values.nodes}`);
  // Each node takes 110 pods, as a kubelet's default maxPods.
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `sim-node-${i + 1}` }));
  const cluster = await startSimulatedCluster({ port, speed, host: values.host, nodes });
  await writeFile(values.kubeconfig, cluster.kubeconfigYaml(), { mode: 0o600 });
  if (values['read-only-kubeconfig']) {
    await writeFile(values['read-only-kubeconfig'], cluster.kubeconfigYaml({ token: 'readOnly' }), {
      mode: 0o600,
    });
  }
  process.stdout.write(`kubegrade simulated cluster serving at ${cluster.url} (speed ${speed})\n`);
  process.stdout.write(`kubeconfig written to ${values.kubeconfig}\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`failed to stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kubegrade-sim: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
