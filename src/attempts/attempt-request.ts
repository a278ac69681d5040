import { z } from 'zod';

/** Ids as an LMS knows them: opaque, printable, bounded. */
const externalId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** How the grader reaches the learner's cluster. Validated deeper by src/cluster before use. */
export const clusterAccessSchema = z.strictObject({
  kubeconfig: z
    .string()
    .min(1)
    .max(64 * 1024),
  /** The context to use; defaults to the kubeconfig's current-context. */
  context: z.string().min(1).max(253).optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name')
    .max(63)
    .optional(),
});

/** The body of POST /v1/attempts. */
export const attemptRequestSchema = z
  .strictObject({
    assessmentId: z.string().min(1).max(100),
    assessmentVersion: z.string().min(1).max(50).optional(),
    learnerId: externalId,
    courseId: externalId.optional(),
    /** The learner's manifest as YAML text (size and shape limits are applied when it is parsed). */
    manifest: z.string().max(1024 * 1024),
    /** Quiz answers by question id: free text, or the ids of the chosen options. */
    answers: z
      .record(z.string().min(1).max(100), z.union([z.string(), z.array(z.string()).max(50)]))
      .default({}),
    cluster: clusterAccessSchema.optional(),
    /**
     * Grade an assessment that has cluster checks without a cluster, on purpose: its cluster
     * checks are skipped (0 points) and the attempt is graded. Without it, no `cluster` is refused.
     */
    gradeWithoutCluster: z.boolean().optional(),
    /**
     * Where the grade goes back to in the LMS (LTI 1.3 AGS): the line item's URL as the platform
     * gave it, and the LTI user id (the learnerId when absent).
     */
    lti: z
      .strictObject({
        lineItemUrl: z.url({ protocol: /^https?$/ }).max(2000),
        userId: z.string().min(1).max(200).optional(),
      })
      .optional(),
  })
  .refine((request) => !(request.gradeWithoutCluster === true && request.cluster !== undefined), {
    message: 'Give either a cluster or gradeWithoutCluster: true, not both',
    path: ['gradeWithoutCluster'],
  });

export type AttemptRequest = z.infer<typeof attemptRequestSchema>;
export type ClusterAccessRequest = z.infer<typeof clusterAccessSchema>;
