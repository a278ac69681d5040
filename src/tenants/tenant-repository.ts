import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import { apiScopeSchema, type ApiScope } from './scopes.js';

/** Everything the tenants component reads and writes in PostgreSQL, and nothing else. */

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

export interface StoredApiKey {
  id: string;
  tenantId: string;
  prefix: string;
  hash: string;
  scopes: ApiScope[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const apiKeyRowSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  prefix: z.string(),
  hash: z.string(),
  // A scope this version does not know (written by a newer one) is dropped, never granted.
  scopes: z
    .array(z.string())
    .transform((scopes) => scopes.flatMap((scope) => apiScopeSchema.safeParse(scope).data ?? [])),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});

export class TenantRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the tenant, or returns undefined when the name is taken. */
  async insertTenant(tenant: { id: string; name: string }): Promise<Tenant | undefined> {
    const rows = await this.prisma.tenant.createManyAndReturn({
      data: [tenant],
      skipDuplicates: true,
    });
    return rows[0];
  }

  async findTenantByName(name: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { name } });
  }

  async insertApiKey(key: {
    id: string;
    tenantId: string;
    prefix: string;
    hash: string;
    scopes: ApiScope[];
  }): Promise<StoredApiKey> {
    return apiKeyRowSchema.parse(await this.prisma.apiKey.create({ data: key }));
  }

  async findApiKeyByPrefix(prefix: string): Promise<StoredApiKey | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { prefix } });
    return row ? apiKeyRowSchema.parse(row) : null;
  }

  /** Revokes by id or by prefix; returns the key, or null when there is no such key. */
  async revokeApiKey(idOrPrefix: string, revokedAt: Date): Promise<StoredApiKey | null> {
    const isUuid = z.uuid().safeParse(idOrPrefix).success;
    const where = isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix };
    const existing = await this.prisma.apiKey.findUnique({ where });
    if (!existing) return null;
    // A key revoked earlier keeps its first revocation time.
    await this.prisma.apiKey.updateMany({
      where: { id: existing.id, revokedAt: null },
      data: { revokedAt },
    });
    return apiKeyRowSchema.parse(
      await this.prisma.apiKey.findUnique({ where: { id: existing.id } }),
    );
  }

  /**
   * Records that a key was used, at most once per `granularityMs`: a write on every request
   * would double the database work of a busy client for a timestamp nobody needs to the second.
   */
  async touchApiKey(id: string, now: Date, granularityMs: number): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: {
        id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - granularityMs) } }],
      },
      data: { lastUsedAt: now },
    });
  }
}
