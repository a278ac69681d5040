import { createPrismaClient } from '../../src/db/prisma-client.js';
import { createApiKey } from '../../src/tenants/create-api-key.js';
import { createTenant } from '../../src/tenants/create-tenant.js';
import { TenantRepository } from '../../src/tenants/tenant-repository.js';

/**
 * A bench is an integrator like any other: its own tenant and a key that can submit and read,
 * made through the same use cases as `kubegrade admin tenant create` and `admin key create`.
 * Returns the headers its requests carry.
 */
export async function createBenchTenantKey(
  databaseUrl: string,
  name: string,
): Promise<{ tenantId: string; headers: Record<string, string> }> {
  const prisma = createPrismaClient({ databaseUrl });
  try {
    const tenants = new TenantRepository(prisma);
    const tenant = await createTenant({ tenants }, { name });
    const { key } = await createApiKey(
      { tenants },
      { tenantName: tenant.name, scopes: ['attempts:write', 'results:read'] },
    );
    return {
      tenantId: tenant.id,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    };
  } finally {
    await prisma.$disconnect();
  }
}
