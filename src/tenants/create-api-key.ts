import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { generateApiKey } from './api-key-secret.js';
import type { ApiScope } from './scopes.js';
import type { StoredApiKey, TenantRepository } from './tenant-repository.js';

export interface CreateApiKeyDependencies {
  tenants: TenantRepository;
}

export interface CreateApiKeyOptions {
  tenantName: string;
  scopes: ApiScope[];
}

export interface CreatedApiKey {
  /** The whole key. It exists only here: the database keeps its hash. */
  key: string;
  apiKey: StoredApiKey;
}

/** Makes a new key for a tenant with the given scopes; the caller shows the key once. */
export async function createApiKey(
  deps: CreateApiKeyDependencies,
  { tenantName, scopes }: CreateApiKeyOptions,
): Promise<CreatedApiKey> {
  if (scopes.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'A key needs at least one scope.', {});
  }
  const tenant = await deps.tenants.findTenantByName(tenantName);
  if (!tenant) {
    throw new AppError('TENANT_NOT_FOUND', `No tenant named "${tenantName}".`, {
      name: tenantName,
    });
  }
  const generated = generateApiKey();
  const apiKey = await deps.tenants.insertApiKey({
    id: randomUUID(),
    tenantId: tenant.id,
    prefix: generated.prefix,
    hash: generated.hash,
    scopes,
  });
  return { key: generated.key, apiKey };
}
