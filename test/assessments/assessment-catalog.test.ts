import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAssessmentCatalog } from '../../src/assessments/assessment-catalog.js';
import { defaultAssessmentsDirectory } from '../../src/assessments/default-assessments-directory.js';
import { AppError } from '../../src/errors/app-error.js';

describe('loadAssessmentCatalog', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kubegrade-catalog-'));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('loads the repository assessments by default, first-pod among them', async () => {
    const catalog = await loadAssessmentCatalog();
    const firstPod = catalog.get('first-pod');
    expect(firstPod).toEqual(
      expect.objectContaining({ id: 'first-pod', version: '2.1.0', maxScore: 27 }),
    );
    expect(catalog.list().map((assessment) => assessment.id)).toContain('first-pod');
  });

  it('finds the repository assessments folder from its own location', () => {
    expect(defaultAssessmentsDirectory()).toBe(join(process.cwd(), 'assessments'));
  });

  it('hashes the exact bytes of assessment.yaml', async () => {
    const catalog = await loadAssessmentCatalog({ directory: defaultAssessmentsDirectory() });
    const bytes = await readFile(
      join(defaultAssessmentsDirectory(), 'first-pod', 'assessment.yaml'),
    );
    expect(catalog.get('first-pod')?.contentHash).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('gets by id and version, and not by another version', async () => {
    const catalog = await loadAssessmentCatalog();
    expect(catalog.get('first-pod', '2.1.0')?.id).toBe('first-pod');
    expect(catalog.get('first-pod', '1.0.0')).toBeUndefined();
    expect(catalog.get('first-pod', '9.9.9')).toBeUndefined();
    expect(catalog.get('no-such-assessment')).toBeUndefined();
  });

  it('skips folders without an assessment.yaml and files beside them', async () => {
    await mkdir(join(scratch, 'drafts'));
    await writeFile(join(scratch, 'README.md'), 'notes');
    const catalog = await loadAssessmentCatalog({ directory: scratch });
    expect(catalog.list()).toEqual([]);
  });

  it('fails the whole load on an invalid assessment, naming the file', async () => {
    await mkdir(join(scratch, 'broken'));
    const file = join(scratch, 'broken', 'assessment.yaml');
    await writeFile(file, 'id: broken\nversion: 1.0.0\n');
    const error = await loadAssessmentCatalog({ directory: scratch }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ASSESSMENT_INVALID');
    expect((error as AppError).details.file).toBe(file);
    expect((error as AppError).message).toContain(file);
  });

  it('requires the id inside the file to equal the folder name', async () => {
    const source = await readFile(
      join(defaultAssessmentsDirectory(), 'first-pod', 'assessment.yaml'),
    );
    await mkdir(join(scratch, 'renamed'));
    await writeFile(join(scratch, 'renamed', 'assessment.yaml'), source);
    await expect(loadAssessmentCatalog({ directory: scratch })).rejects.toMatchObject({
      code: 'ASSESSMENT_INVALID',
      details: {
        issues: [
          expect.objectContaining({ path: 'id', message: expect.stringContaining('"renamed"') }),
        ],
      },
    });
  });
});
