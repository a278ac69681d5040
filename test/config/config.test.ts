import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('works with nothing set, using the services of this machine', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/kubegrade');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
    expect(config.worker.concurrency).toBeGreaterThan(0);
    expect(config.clusterSecretKeys).toHaveLength(1);
  });

  it('reads typed values from the environment', () => {
    const config = loadConfig({ PORT: '8081', WORKER_CONCURRENCY: '7', JOB_TIMEOUT_MS: '5000' });
    expect(config.http.port).toBe(8081);
    expect(config.worker.concurrency).toBe(7);
    expect(config.worker.jobTimeoutMs).toBe(5000);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['REDIS_URL', 'localhost:6379'],
    ['WORKER_CONCURRENCY', '0'],
    ['LOG_LEVEL', 'loud'],
    ['CLUSTER_SECRET_KEYS', 'k1:dG9vLXNob3J0'],
  ])('stops with a message naming %s when it is %p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('requires real secret keys in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CLUSTER_SECRET_KEYS/);
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(() => loadConfig({ NODE_ENV: 'production', CLUSTER_SECRET_KEYS: `k1:${key}` })).toThrow(
      /LINK_SIGNING_KEY/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        CLUSTER_SECRET_KEYS: `k1:${key}`,
        LINK_SIGNING_KEY: key,
      }).clusterSecretKeys[0]?.id,
    ).toBe('k1');
  });

  it('refuses a link signing key shorter than 32 bytes, and a PUBLIC_BASE_URL that is not http(s)', () => {
    expect(() => loadConfig({ LINK_SIGNING_KEY: 'dG9vLXNob3J0' })).toThrow(/LINK_SIGNING_KEY/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://example.org' })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://grader.example.org/' }).links.publicBaseUrl).toBe(
      'https://grader.example.org',
    );
  });
});
