import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../src/tenants/create-api-key.js';
import { createTenant } from '../../src/tenants/create-tenant.js';
import { apiScopes, type ApiScope } from '../../src/tenants/scopes.js';
import type { TenantRepository } from '../../src/tenants/tenant-repository.js';

/** A tenant and one API key for it, made through the same use cases as the CLI's. */
export async function createTestTenantKey(
  tenants: TenantRepository,
  options: { name?: string; scopes?: ApiScope[] } = {},
): Promise<{ tenantId: string; name: string; key: string; keyId: string }> {
  const tenant = await createTenant(
    { tenants },
    { name: options.name ?? `tenant-${randomUUID()}` },
  );
  const { key, apiKey } = await createApiKey(
    { tenants },
    { tenantName: tenant.name, scopes: options.scopes ?? [...apiScopes] },
  );
  return { tenantId: tenant.id, name: tenant.name, key, keyId: apiKey.id };
}
