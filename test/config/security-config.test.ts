import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('security settings in the configuration', () => {
  it('has no CORS origins, a one-hour credentials lifetime and a one-minute sweep by default', () => {
    const config = loadConfig({});
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.cluster.secretTtlMs).toBe(60 * 60_000);
    expect(config.cluster.secretSweepIntervalMs).toBe(60_000);
  });

  it('reads CORS_ORIGINS as a list of exact origins', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://lms.example.org,http://localhost:5173' });
    expect(config.http.corsOrigins).toEqual(['https://lms.example.org', 'http://localhost:5173']);
  });

  it.each(['*', 'https://lms.example.org/', 'lms.example.org'])(
    'stops at start-up naming CORS_ORIGINS when it is %p',
    (value) => {
      expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
    },
  );

  it('refuses a credentials lifetime shorter than a job could legitimately keep retrying', () => {
    expect(() =>
      loadConfig({ CLUSTER_SECRET_TTL_MS: '60000', JOB_TIMEOUT_MS: '30000', JOB_ATTEMPTS: '3' }),
    ).toThrow(/CLUSTER_SECRET_TTL_MS/);
    expect(
      loadConfig({ CLUSTER_SECRET_TTL_MS: '100000', JOB_TIMEOUT_MS: '30000', JOB_ATTEMPTS: '3' })
        .cluster.secretTtlMs,
    ).toBe(100_000);
  });
});
