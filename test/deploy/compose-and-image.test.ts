import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { z } from 'zod';

/**
 * The compose file and the Dockerfile, checked without a Docker engine: what `docker compose up`
 * would run, in which order, how it is probed and restarted, and that the image runs compiled
 * JavaScript on the Node.js line the README names.
 */

const read = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

const service = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.array(z.string()).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  profiles: z.array(z.string()).optional(),
  healthcheck: z
    .looseObject({ test: z.array(z.string()).optional(), disable: z.boolean().optional() })
    .optional(),
  depends_on: z.record(z.string(), z.looseObject({ condition: z.string() })).optional(),
  volumes: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  stop_grace_period: z.string().optional(),
});
const compose = z
  .looseObject({
    services: z.record(z.string(), service),
    volumes: z.record(z.string(), z.unknown().nullable()),
  })
  // Compose reads `<<` merge keys (the shared environment), a YAML 1.1 feature.
  .parse(load(read('docker-compose.yml'), { schema: YAML11_SCHEMA }));
const services = compose.services;
const get = (name: string) => {
  const found = services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

describe('docker-compose.yml', () => {
  it('runs postgres, redis, migrate, api and worker by default, and the demo only under its profile', () => {
    const byDefault = Object.entries(services)
      .filter(([, s]) => s.profiles === undefined)
      .map(([name]) => name);
    expect(byDefault.sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    for (const name of ['sim', 'learner']) expect(get(name).profiles).toEqual(['demo']);
  });

  it('health-checks every long-running service and restarts it, and runs migrate once', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'migrate' || name === 'learner') {
        expect([name, s.restart]).toEqual([name, 'no']);
        continue;
      }
      expect([name, s.restart]).toEqual([name, 'unless-stopped']);
      expect([name, s.healthcheck?.test?.[0]]).toEqual([name, 'CMD']);
    }
    // The worker's probe is its own listener, the API's its readiness.
    expect(get('worker').healthcheck?.test?.join(' ')).toContain(
      `127.0.0.1:${get('worker').environment?.METRICS_PORT}/healthz`,
    );
    expect(get('api').healthcheck?.test?.join(' ')).toContain('127.0.0.1:3000/readyz');
  });

  it('starts the API and worker only after the migration succeeded and their stores are healthy', () => {
    for (const name of ['api', 'worker']) {
      expect(get(name).depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(get('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('keeps PostgreSQL and Redis data in named volumes', () => {
    expect(get('postgres').volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(get('redis').volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['postgres-data', 'redis-data']),
    );
  });

  it('runs compiled JavaScript from the image, with a stop grace above the worker shutdown timeout', () => {
    for (const name of ['migrate', 'api', 'worker', 'sim', 'learner']) {
      const command = get(name).command ?? [];
      expect([name, command[0], command[1]]).toEqual([
        name,
        'node',
        expect.stringMatching(/^dist\/.+\.js$/),
      ]);
    }
    const worker = get('worker');
    const graceSeconds = Number(/^(\d+)s$/.exec(worker.stop_grace_period ?? '')?.[1]);
    expect(graceSeconds * 1000).toBeGreaterThan(Number(worker.environment?.SHUTDOWN_TIMEOUT_MS));
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const packageJson = z
    .looseObject({
      dependencies: z.record(z.string(), z.string()),
      scripts: z.record(z.string(), z.string()),
    })
    .parse(JSON.parse(read('package.json')));

  it('builds on the Node.js line the README names', () => {
    const readmeNode = /Node\.js (\d+)\.(\d+)\+/.exec(read('README.md'));
    expect(readmeNode).not.toBeNull();
    const image = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)-/m.exec(dockerfile);
    expect(image?.slice(1, 3)).toEqual(readmeNode?.slice(1, 3));
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
  });

  it('prunes development packages and runs node on dist/, never tsx', () => {
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/http\/main\.js"\]$/m);
    const instructions = dockerfile.split('\n').filter((line) => !line.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/\btsx\b/);
    expect(Object.keys(packageJson.dependencies)).not.toContain('tsx');
    for (const script of ['start:prod', 'worker:prod', 'db:migrate:prod']) {
      expect(packageJson.scripts[script]).toMatch(/^node dist\//);
    }
  });

  it('has a HEALTHCHECK and runs as the unprivileged node user', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/healthz/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
