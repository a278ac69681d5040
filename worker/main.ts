import { loadConfigOrExit } from '../src/config/config.js';
import { createLogger } from '../src/logging/logger.js';
import { openServices } from '../src/runtime/services.js';
import { startGradingWorker } from './start-grading-worker.js';

/** `npm run worker`: grades attempts until SIGTERM, then lets in-flight jobs finish. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, name: 'kubegrade-worker' });
  const services = await openServices(config, logger, 'worker');
  const worker = await startGradingWorker({ config, services, logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping worker: finishing in-flight jobs');
    const forced = setTimeout(() => {
      logger.error('in-flight jobs did not finish in time; exiting');
      process.exit(1);
    }, config.worker.shutdownTimeoutMs);
    await worker.stop();
    await services.close();
    clearTimeout(forced);
    logger.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main();
