import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { openServices } from '../runtime/services.js';
import { startApiServer } from './server.js';

/** `npm start`: the API process. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, name: 'kubegrade-api' });
  const services = await openServices(config, logger, 'producer');
  const { stop } = await startApiServer(services);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping API');
    await stop();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

void main();
