import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';

/**
 * schema.prisma as Prisma itself reads it (its DMMF data model), obtained by running
 * `prisma generate` on a copy of the schema whose only generator dumps the DMMF. Using Prisma's
 * parser rather than our own means the test cannot misread the schema.
 */

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const schemaPath = join(repositoryRoot, 'prisma', 'schema.prisma');

const dmmfFieldSchema = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(['scalar', 'object', 'enum', 'unsupported']),
  isList: z.boolean(),
  isRequired: z.boolean(),
  hasDefaultValue: z.boolean(),
  type: z.string(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  default: z.unknown().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().optional(),
  relationOnUpdate: z.string().optional(),
});

const dmmfModelSchema = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  schema: z.string().nullish(),
  fields: z.array(dmmfFieldSchema),
});

const dmmfEnumSchema = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  values: z.array(z.object({ name: z.string(), dbName: z.string().nullish() })),
});

const dmmfIndexSchema = z.object({
  model: z.string(),
  type: z.enum(['id', 'normal', 'unique', 'fulltext']),
  dbName: z.string().nullish(),
  algorithm: z.string().nullish(),
  fields: z.array(z.object({ name: z.string(), sortOrder: z.enum(['asc', 'desc']).nullish() })),
});

const datamodelSchema = z.object({
  models: z.array(dmmfModelSchema),
  enums: z.array(dmmfEnumSchema),
  indexes: z.array(dmmfIndexSchema),
});

export type DmmfField = z.infer<typeof dmmfFieldSchema>;
export type DmmfModel = z.infer<typeof dmmfModelSchema>;
export type DmmfIndex = z.infer<typeof dmmfIndexSchema>;
export type Datamodel = z.infer<typeof datamodelSchema>;

const generatorBlock = /^generator\s+\w+\s*\{[\s\S]*?^\}/gm;

export async function readSchemaDatamodel(schemaText?: string): Promise<Datamodel> {
  const workDir = await mkdtemp(join(tmpdir(), 'kubegrade-dmmf-'));
  try {
    const generator = fileURLToPath(new URL('./dmmf-dump-generator.mjs', import.meta.url));
    const original = schemaText ?? (await readFile(schemaPath, 'utf8'));
    const schema = `${original.replace(generatorBlock, '')}
generator dmmf_dump {
  provider = ${JSON.stringify(`node ${generator}`)}
  output   = ${JSON.stringify(join(workDir, 'out'))}
}
`;
    await writeFile(join(workDir, 'schema.prisma'), schema);
    await runPrismaGenerate(join(workDir, 'schema.prisma'));
    const dumped: unknown = JSON.parse(
      await readFile(join(workDir, 'out', 'datamodel.json'), 'utf8'),
    );
    return datamodelSchema.parse(dumped);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function runPrismaGenerate(schemaFile: string): Promise<void> {
  const cli = join(repositoryRoot, 'node_modules', 'prisma', 'build', 'index.js');
  const env = {
    ...process.env,
    // As in scripts/prisma-generate.mjs: generate never runs the schema engine but insists on
    // locating one, and cannot download it offline.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? cli,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  try {
    await promisify(execFile)(process.execPath, [cli, 'generate', '--schema', schemaFile], {
      cwd: repositoryRoot,
      env,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma generate failed while reading the schema:\n${stdout}\n${stderr}`, {
      cause: error,
    });
  }
}
