import { z } from 'zod';

/**
 * The parts of a kubeconfig (clientcmd v1 `Config`) that kubegrade reads, strict about types.
 * Objects are loose: unknown fields (`preferences`, `extensions`, fields of newer kubectl
 * versions) are tolerated and ignored, because the target is built from the fields named here
 * only. Dangerous fields are refused before this schema runs (see findRefusedField).
 */
const entryName = z.string().min(1).max(253);

/** Empty lists are written `null` by some tools (`kubectl config view` on an empty config). */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(100)
    .nullish()
    .transform((items) => items ?? []);

const extensions = z.array(z.unknown()).nullish();

export const kubeconfigClusterSchema = z.looseObject({
  server: z.string().max(2048).optional(),
  'certificate-authority-data': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
  'tls-server-name': z.string().max(253).optional(),
  'disable-compression': z.boolean().optional(),
  extensions,
});

export const kubeconfigUserSchema = z.looseObject({
  token: z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key-data': z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  extensions,
});

export const kubeconfigContextSchema = z.looseObject({
  cluster: entryName,
  /** Empty or absent: no credentials. */
  user: z.string().max(253).optional(),
  namespace: z.string().optional(),
  extensions,
});

export const kubeconfigSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  clusters: list(z.looseObject({ name: entryName, cluster: kubeconfigClusterSchema })),
  users: list(
    z.looseObject({
      name: entryName,
      // `user: {}` and a bare `user:` (null) both mean no credentials.
      user: kubeconfigUserSchema.nullish().transform((user) => user ?? {}),
    }),
  ),
  contexts: list(z.looseObject({ name: entryName, context: kubeconfigContextSchema })),
  'current-context': z.string().max(253).optional(),
  preferences: z.unknown().optional(),
  extensions,
});

export type Kubeconfig = z.infer<typeof kubeconfigSchema>;
export type KubeconfigCluster = z.infer<typeof kubeconfigClusterSchema>;
export type KubeconfigUser = z.infer<typeof kubeconfigUserSchema>;
export type KubeconfigContext = z.infer<typeof kubeconfigContextSchema>;
