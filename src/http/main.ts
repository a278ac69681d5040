import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { installProcessLifecycle } from '../runtime/process-lifecycle.js';
import { openServices } from '../runtime/services.js';
import { startApiServer } from './server.js';

/** `npm start`: the API process. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, name: 'kubegrade-api' });
  // Before anything starts: SIGTERM at any moment is a clean stop.
  const lifecycle = installProcessLifecycle({
    logger,
    timeoutMs: config.http.shutdownTimeoutMs,
    messages: {
      stopping: 'stopping API',
      stopped: 'API stopped',
      timedOut: 'in-flight requests did not finish in time; exiting',
    },
  });
  try {
    const services = await openServices(config, logger, 'producer');
    lifecycle.onStop(() => services.close());
    const { stop } = await startApiServer(services);
    lifecycle.onStop(stop);
  } catch (error) {
    if (lifecycle.stopping) return;
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'API failed to start');
    process.exit(1);
  } finally {
    lifecycle.startupFinished();
  }
}

void main();
