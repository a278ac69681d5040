import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { loadConfig } from '../config/config.js';
import { createPrismaClient } from '../db/prisma-client.js';
import { createApiKey } from '../tenants/create-api-key.js';
import { createTenant } from '../tenants/create-tenant.js';
import { revokeApiKey } from '../tenants/revoke-api-key.js';
import { parseScopeList, apiScopes } from '../tenants/scopes.js';
import { TenantRepository } from '../tenants/tenant-repository.js';
import type { CliIo } from './main.js';
import { CliUsageError } from './resolve-assessment-file.js';

export const adminUsage = `  kubegrade admin tenant create <name>
  kubegrade admin key create --tenant <name> --scopes <scope,...> [--json]
  kubegrade admin key revoke <key id | key prefix>
      scopes: ${apiScopes.join(', ')}`;

/**
 * Operator commands on the database named by DATABASE_URL. Each verb calls its use case in
 * src/tenants/, as the API would. Returns the exit code (0 done; errors are thrown).
 */
export async function adminCommand(
  args: string[],
  io: CliIo,
  environment: NodeJS.ProcessEnv,
): Promise<number> {
  const [noun, verb, ...rest] = args;
  const action = `${noun ?? ''} ${verb ?? ''}`;
  if (!['tenant create', 'key create', 'key revoke'].includes(action)) {
    throw new CliUsageError(`unknown admin command "${action.trim()}"`);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const prisma = createPrismaClient({ databaseUrl: loadConfig(environment).databaseUrl });
  const tenants = new TenantRepository(prisma);
  try {
    if (action === 'tenant create') {
      if (positionals.length !== 1) throw new CliUsageError('tenant create takes one name');
      const tenant = await createTenant({ tenants }, { name: positionals[0] as string });
      io.out(
        values.json ? JSON.stringify(tenant) : `tenant ${tenant.name} created (id ${tenant.id})`,
      );
      return 0;
    }
    if (action === 'key create') {
      if (!values.tenant || !values.scopes) {
        throw new CliUsageError('key create needs --tenant <name> and --scopes <list>');
      }
      const scopes = readScopes(values.scopes);
      const { key, apiKey } = await createApiKey(
        { tenants },
        { tenantName: values.tenant, scopes },
      );
      if (values.json) {
        io.out(
          JSON.stringify({ key, id: apiKey.id, prefix: apiKey.prefix, scopes: apiKey.scopes }),
        );
      } else {
        io.out(
          [
            `key ${key}`,
            `id ${apiKey.id}`,
            `prefix ${apiKey.prefix}`,
            `scopes ${apiKey.scopes.join(',')}`,
          ].join('\n'),
        );
      }
      io.err('Store the key now: it is shown only this once (kubegrade keeps only its hash).');
      return 0;
    }
    if (positionals.length !== 1) throw new CliUsageError('key revoke takes one key id or prefix');
    const revoked = await revokeApiKey({ tenants }, { idOrPrefix: positionals[0] as string });
    io.out(`key ${revoked.prefix} revoked (id ${revoked.id})`);
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

function readScopes(text: string) {
  try {
    return parseScopeList(text);
  } catch (error) {
    if (error instanceof ZodError) {
      throw new CliUsageError(`--scopes: a comma-separated list of ${apiScopes.join(', ')}`);
    }
    throw error;
  }
}
