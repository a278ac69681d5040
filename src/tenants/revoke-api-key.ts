import { AppError } from '../errors/app-error.js';
import type { StoredApiKey, TenantRepository } from './tenant-repository.js';

export interface RevokeApiKeyDependencies {
  tenants: TenantRepository;
  now?: () => Date;
}

export interface RevokeApiKeyOptions {
  /** The key's id (a uuid) or its prefix (the 12 characters after `kg_`). */
  idOrPrefix: string;
}

/**
 * Revokes a key for good. Running API processes honour it within their authentication cache's
 * lifetime (API_KEY_CACHE_TTL_MS). Revoking a revoked key is harmless.
 */
export async function revokeApiKey(
  deps: RevokeApiKeyDependencies,
  { idOrPrefix }: RevokeApiKeyOptions,
): Promise<StoredApiKey> {
  const now = deps.now ?? (() => new Date());
  const revoked = await deps.tenants.revokeApiKey(idOrPrefix, now());
  if (!revoked) {
    throw new AppError('API_KEY_NOT_FOUND', `No API key with id or prefix "${idOrPrefix}".`, {
      key: idOrPrefix,
    });
  }
  return revoked;
}
