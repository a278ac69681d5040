import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import type { Tenant, TenantRepository } from './tenant-repository.js';

/** A tenant's name is how operators refer to it on the command line. */
export const tenantNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"');

export interface CreateTenantDependencies {
  tenants: TenantRepository;
}

export interface CreateTenantOptions {
  name: string;
}

/** Creates a tenant; a taken name is refused with TENANT_EXISTS. */
export async function createTenant(
  deps: CreateTenantDependencies,
  options: CreateTenantOptions,
): Promise<Tenant> {
  const name = tenantNameSchema.safeParse(options.name);
  if (!name.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Not a valid tenant name: ${name.error.issues[0]?.message}`,
      {
        name: options.name,
      },
    );
  }
  const tenant = await deps.tenants.insertTenant({ id: randomUUID(), name: name.data });
  if (!tenant) {
    throw new AppError('TENANT_EXISTS', `A tenant named "${name.data}" already exists.`, {
      name: name.data,
    });
  }
  return tenant;
}
