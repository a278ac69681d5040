import { loadConfigOrExit } from '../src/config/config.js';
import { createLogger } from '../src/logging/logger.js';
import { installProcessLifecycle } from '../src/runtime/process-lifecycle.js';
import { openServices } from '../src/runtime/services.js';
import { startGradingWorker } from './start-grading-worker.js';
import { startIntegrationWorkers } from './start-integration-workers.js';

/** `npm run worker`: grades attempts until SIGTERM, then lets in-flight jobs finish. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, name: 'kubegrade-worker' });
  // Before "worker started" is logged: a SIGTERM right after it must be a clean stop, not exit 143.
  const lifecycle = installProcessLifecycle({
    logger,
    timeoutMs: config.worker.shutdownTimeoutMs,
    messages: {
      stopping: 'stopping worker: finishing in-flight jobs',
      stopped: 'worker stopped',
      timedOut: 'in-flight jobs did not finish in time; exiting',
    },
  });
  try {
    const services = await openServices(config, logger, 'worker');
    lifecycle.onStop(() => services.close());
    const worker = await startGradingWorker({ config, services, logger });
    lifecycle.onStop(() => worker.stop());
    const integrations = startIntegrationWorkers({
      redisUrl: config.redisUrl,
      integrations: services.integrations,
      secrets: services.secrets,
      logger,
    });
    lifecycle.onStop(() => integrations.stop());
  } catch (error) {
    if (lifecycle.stopping) return;
    logger.fatal({ err: error }, 'worker failed to start');
    process.exit(1);
  } finally {
    lifecycle.startupFinished();
  }
}

void main();
