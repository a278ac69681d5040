import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

/**
 * The architecture's boundaries are lint rules (eslint.config.js), so a violation fails CI
 * instead of waiting for a reviewer. These cases prove each rule fires where it should and only
 * there: the same import is refused in one folder and allowed in another.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = value;\n`, {
    filePath: `${root}/${filePath}`,
  });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('architecture boundaries', () => {
  it.each([
    ['src/grading/example.ts', "import value from 'express';"],
    ['src/grading/example.ts', "import { Queue as value } from 'bullmq';"],
    [
      'src/grading/example.ts',
      "import { PrismaClient as value } from '../generated/prisma/client.js';",
    ],
    ['src/assessments/example.ts', "import { Router as value } from 'express';"],
    [
      'src/assessments/example.ts',
      "import { enqueueGrading as value } from '../queue/grading-queue.js';",
    ],
  ])('keep %s free of infrastructure (%s)', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringContaining('stay free of')]);
  });

  it.each([
    [
      'src/attempts/example.ts',
      "import { startSimulatedCluster as value } from '../../sim/start-simulated-cluster.js';",
    ],
    [
      'src/grading/example.ts',
      "import { startSimulatedCluster as value } from '../../sim/start-simulated-cluster.js';",
    ],
    [
      'worker/example.ts',
      "import { startSimulatedCluster as value } from '../sim/start-simulated-cluster.js';",
    ],
  ])('keep %s free of the simulated cluster', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringContaining('must not import sim/'),
    ]);
  });

  it.each([
    ['src/db/example.ts', "import { createApp as value } from '../http/create-app.js';"],
    [
      'src/tenants/example-repository.ts',
      "import { createAttemptsRouter as value } from '../attempts/attempts-router.js';",
    ],
    ['src/queue/example.ts', "import value from 'express';"],
  ])('keep the adapter %s free of routes', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringContaining('adapters must not'),
    ]);
  });

  it('keep bench/ free of test scaffolding', async () => {
    expect(
      await boundaryErrors(
        'bench/example.ts',
        "import { openTestServices as value } from '../test/support/test-services.js';",
      ),
    ).toEqual([expect.stringContaining('bench/ must not import test/')]);
    expect(
      await boundaryErrors(
        'bench/example.ts',
        "import { loadConfig as value } from '../src/config/config.js';",
      ),
    ).toEqual([]);
  });

  it.each([
    ['src/http/example.ts', "import value from 'express';"],
    [
      'src/attempts/example.ts',
      "import { PrismaClient as value } from '../generated/prisma/client.js';",
    ],
    [
      'test/example.test.ts',
      "import { startSimulatedCluster as value } from '../sim/start-simulated-cluster.js';",
    ],
  ])('allow %s what its layer needs', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
