/**
 * Hostile and malformed inputs, each with what the API and the CLI must answer. The same table
 * drives test/security/adversarial-api.test.ts and test/security/adversarial-cli.test.ts.
 *
 * Every credential planted here is a unique marker (see `plant`): after the corpus has run,
 * the tests look for each marker in the logs, the responses, the CLI's output and the database,
 * and must find none.
 */
import type { ErrorCode } from '../../src/errors/app-error.js';
import type { KubeconfigRejectionReason } from '../../src/cluster/kubeconfig/kubeconfig-rejection.js';
import type { AddressRefusalReason } from '../../src/cluster/outbound/address-refusal.js';
import { maxFreeTextAnswerLength } from '../../src/grading/quiz/answer-limits.js';
import { referenceManifest } from '../support/first-pod-fixtures.js';
import {
  atServer,
  billionLaughs,
  kubeconfig,
  nestedMapping,
  pemBase64,
  plant,
} from './hostile-inputs.js';

export { plantedSecrets } from './hostile-inputs.js';

/** The assessment the corpus submits to: the real lesson, with its quiz and TLS policy. */
export const corpusAssessmentId = 'first-pod';
export const freeTextQuestionId = 'pending-causes';

/** The parts of an attempt a case may set; the rest is a valid submission. */
export interface AttemptInput {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  manifest?: string;
  /** Sent as the body's `answers`; for the CLI written to the --answers file (as JSON). */
  answers?: unknown;
  /** Written to the CLI's --answers file as is, for text that is not JSON. */
  answersFileText?: string;
  assessmentId?: string;
}

/** A request that is wrong at the HTTP level; the body is built from the input, then altered. */
export interface HttpShape {
  contentType?: string;
  contentEncoding?: string;
  headers?: Record<string, string>;
  /** The exact bytes to send instead of the JSON of the body. */
  rawBody?: (json: string) => string;
  /** Changes to the JSON body (added fields, replaced fields) before it is sent. */
  body?: (body: Record<string, unknown>) => Record<string, unknown>;
}

export type ApiExpectation =
  | { status: number; code: ErrorCode; reason?: KubeconfigRejectionReason | AddressRefusalReason }
  /** Accepted: the input is harmless (a `__proto__` key is plain data), so it is stored. */
  | { status: 202 };

export type CliExpectation =
  | { exitCode: 2 | 3; code?: ErrorCode; reason?: string }
  /** Allowed on a learner's own machine: no refusal, the CLI tries to reach the cluster. */
  | { reachesCluster: true };

export interface AdversarialCase {
  name: string;
  input: AttemptInput;
  /** Only for the API; a case with `http` has no CLI counterpart unless `cli` is set. */
  http?: HttpShape;
  api?: ApiExpectation;
  cli?: CliExpectation;
}

const validBody = (input: AttemptInput): Record<string, unknown> => ({
  assessmentId: input.assessmentId ?? corpusAssessmentId,
  learnerId: 'learner-corpus',
  courseId: 'k8s-101',
  manifest: input.manifest ?? referenceManifest,
  answers: input.answers ?? {},
  // The lesson has cluster checks: a body without a cluster must ask to be graded without one.
  ...(input.kubeconfig === undefined
    ? { gradeWithoutCluster: true }
    : {
        cluster: {
          kubeconfig: input.kubeconfig,
          ...(input.context === undefined ? {} : { context: input.context }),
          ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
        },
      }),
});

/** The JSON body the API receives for a case (before any `http.body` change). */
export function bodyFor(input: AttemptInput): Record<string, unknown> {
  return validBody(input);
}

const rejected = (reason: KubeconfigRejectionReason) => ({
  api: { status: 422, code: 'KUBECONFIG_REJECTED' as const, reason },
  cli: { exitCode: 3 as const, code: 'KUBECONFIG_REJECTED' as const, reason },
});

/** Refused by the service; on a learner's own machine the CLI may connect (its own cluster). */
const refusedByServiceOnly = (reason: AddressRefusalReason) => ({
  api: { status: 422, code: 'CLUSTER_ADDRESS_REFUSED' as const, reason },
  cli: { reachesCluster: true as const },
});

/** Refused everywhere: link-local and metadata addresses are never a learner's cluster. */
const refusedEverywhere = (reason: AddressRefusalReason) => ({
  api: { status: 422, code: 'CLUSTER_ADDRESS_REFUSED' as const, reason },
  cli: { exitCode: 3 as const, code: 'CLUSTER_ADDRESS_REFUSED' as const, reason },
});

const bodyInvalid = { status: 400, code: 'VALIDATION_FAILED' as const };

/** Text PostgreSQL cannot store, or that is not Unicode: refused before anything is stored. */
const invalidText = { status: 422, code: 'INPUT_INVALID_TEXT' as const };

// ---------------------------------------------------------------------------------------------
// The corpus

export const adversarialCorpus: readonly AdversarialCase[] = [
  // Kubeconfigs that would run code, read files or change identity.
  {
    name: 'kubeconfig with an exec credential plugin',
    input: {
      kubeconfig: kubeconfig({
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: '/bin/sh',
            args: ['-c', 'touch /tmp/kubegrade-pwned'],
            env: [{ name: 'SECRET', value: plant('execenv') }],
          },
        },
      }),
    },
    ...rejected('EXEC_PLUGIN'),
  },
  {
    name: 'kubeconfig with `Exec` spelled in another case (client-go folds key case)',
    input: { kubeconfig: kubeconfig({ user: { Exec: { command: '/bin/true' } } }) },
    ...rejected('EXEC_PLUGIN'),
  },
  {
    name: 'kubeconfig with an auth-provider',
    input: {
      kubeconfig: kubeconfig({
        user: {
          'auth-provider': {
            name: 'oidc',
            config: { 'id-token': plant('idtoken'), 'client-secret': plant('oidcsecret') },
          },
        },
      }),
    },
    ...rejected('AUTH_PROVIDER'),
  },
  {
    name: 'kubeconfig naming a certificate-authority file',
    input: {
      kubeconfig: kubeconfig({
        cluster: { 'certificate-authority': '/etc/kubernetes/pki/ca.crt' },
      }),
    },
    ...rejected('FILE_REFERENCE'),
  },
  {
    name: 'kubeconfig naming a client-certificate file',
    input: {
      kubeconfig: kubeconfig({
        user: {
          'client-certificate': '/etc/kubernetes/pki/admin.crt',
          'client-key-data': pemBase64('PRIVATE KEY', 'client key material'),
        },
      }),
    },
    ...rejected('FILE_REFERENCE'),
  },
  {
    name: 'kubeconfig naming a client-key file',
    input: {
      kubeconfig: kubeconfig({
        user: {
          'client-key': '/root/.ssh/id_rsa',
          'client-certificate-data': pemBase64('CERTIFICATE', 'x'),
        },
      }),
    },
    ...rejected('FILE_REFERENCE'),
  },
  {
    name: 'kubeconfig with a tokenFile',
    input: {
      kubeconfig: kubeconfig({
        user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      }),
    },
    ...rejected('FILE_REFERENCE'),
  },
  {
    name: 'kubeconfig with a proxy-url carrying credentials',
    input: {
      kubeconfig: kubeconfig({
        cluster: { 'proxy-url': `http://proxy:${plant('proxypassword')}@10.0.0.5:3128` },
      }),
    },
    ...rejected('PROXY_URL'),
  },
  {
    name: 'kubeconfig turning off TLS verification',
    input: { kubeconfig: kubeconfig({ cluster: { 'insecure-skip-tls-verify': true } }) },
    ...rejected('INSECURE_TLS'),
  },
  {
    name: 'kubeconfig impersonating cluster-admin (`as`)',
    input: {
      kubeconfig: kubeconfig({
        user: { token: plant('astoken'), as: 'system:admin', 'as-groups': ['system:masters'] },
      }),
    },
    ...rejected('IMPERSONATION'),
  },
  {
    name: 'kubeconfig with an http:// server',
    input: { kubeconfig: atServer('http://203.0.113.10:8080') },
    ...rejected('SERVER_NOT_HTTPS'),
  },
  {
    name: 'kubeconfig with a password in the server URL',
    input: { kubeconfig: atServer(`https://admin:${plant('urlpassword')}@203.0.113.10:6443`) },
    ...rejected('SERVER_HAS_USERINFO'),
  },
  {
    name: 'kubeconfig with a token that would inject a header',
    input: {
      kubeconfig: kubeconfig({
        user: { token: `${plant('crlftoken')}\r\nX-Forwarded-For: 127.0.0.1` },
      }),
    },
    ...rejected('INVALID_CREDENTIAL'),
  },
  {
    name: 'kubeconfig without a current-context, none chosen',
    input: { kubeconfig: kubeconfig({ currentContext: null }) },
    ...rejected('NO_CONTEXT'),
  },
  {
    name: 'kubeconfig whose current-context does not exist',
    input: { kubeconfig: kubeconfig({ currentContext: 'production' }) },
    ...rejected('CONTEXT_NOT_FOUND'),
  },
  {
    name: 'kubeconfig whose context points to a missing cluster',
    input: { kubeconfig: kubeconfig({ context: { cluster: 'nowhere' } }) },
    ...rejected('CLUSTER_NOT_FOUND'),
  },
  {
    name: 'kubeconfig YAML bomb (billion laughs)',
    input: { kubeconfig: billionLaughs(`token: ${plant('bombtoken')}`) },
    ...rejected('TOO_COMPLEX'),
  },
  {
    name: 'kubeconfig nested 30 levels deep',
    input: { kubeconfig: `${kubeconfig()}${nestedMapping(30, 'deep')}` },
    ...rejected('TOO_COMPLEX'),
  },
  {
    name: 'kubeconfig over 64 KiB in characters (refused by the body schema first)',
    input: { kubeconfig: `${kubeconfig()}# ${'x'.repeat(70 * 1024)}\n` },
    api: bodyInvalid,
    cli: { exitCode: 3, code: 'KUBECONFIG_REJECTED', reason: 'TOO_LARGE' },
  },
  {
    name: 'kubeconfig over 64 KiB in bytes but not in characters (multi-byte padding)',
    input: { kubeconfig: `${kubeconfig()}# ${'é'.repeat(40 * 1024)}\n` },
    ...rejected('TOO_LARGE'),
  },
  {
    name: 'kubeconfig with __proto__ keys',
    input: {
      kubeconfig: `${kubeconfig()}__proto__:\n  polluted: yes\nusersExtra:\n  constructor:\n    prototype:\n      polluted: yes\n`,
    },
    ...rejected('INVALID_KUBECONFIG'),
  },
  {
    name: 'kubeconfig with a js-yaml function tag',
    input: {
      kubeconfig: `${kubeconfig()}evil: !!js/function "function () { return process.exit(1) }"\n`,
    },
    ...rejected('INVALID_YAML'),
  },
  {
    name: 'kubeconfig that is not YAML, broken on the line holding the token',
    input: {
      kubeconfig: `apiVersion: v1\nusers:\n- name: u\n  user: { token: "${plant('brokentoken')}\n`,
    },
    ...rejected('INVALID_YAML'),
  },
  {
    name: 'kubeconfig with two documents',
    input: { kubeconfig: `${kubeconfig()}---\n${kubeconfig()}` },
    ...rejected('INVALID_YAML'),
  },

  // Cluster addresses the service must not reach.
  {
    name: 'server at the cloud metadata address 169.254.169.254',
    input: { kubeconfig: atServer('https://169.254.169.254') },
    ...refusedEverywhere('METADATA_ADDRESS'),
  },
  {
    name: 'server at metadata.google.internal',
    input: { kubeconfig: atServer('https://metadata.google.internal') },
    ...refusedEverywhere('METADATA_HOST'),
  },
  {
    name: 'server at the metadata address as IPv4-mapped IPv6',
    input: { kubeconfig: atServer('https://[::ffff:169.254.169.254]') },
    ...refusedEverywhere('METADATA_ADDRESS'),
  },
  {
    name: 'server at the metadata address written in decimal',
    input: { kubeconfig: atServer('https://2852039166') },
    ...refusedEverywhere('METADATA_ADDRESS'),
  },
  {
    name: 'server at the metadata address written in hex',
    input: { kubeconfig: atServer('https://0xa9fea9fe') },
    ...refusedEverywhere('METADATA_ADDRESS'),
  },
  {
    name: 'server at the metadata address written in octal',
    input: { kubeconfig: atServer('https://0251.0376.0251.0376') },
    ...refusedEverywhere('METADATA_ADDRESS'),
  },
  {
    name: 'server at a link-local address',
    input: { kubeconfig: atServer('https://169.254.10.1:6443') },
    ...refusedEverywhere('LINK_LOCAL'),
  },
  {
    name: 'server at an IPv6 link-local address',
    input: { kubeconfig: atServer('https://[fe80::1]:6443') },
    ...refusedEverywhere('LINK_LOCAL'),
  },
  {
    name: 'server at 0.0.0.0',
    input: { kubeconfig: atServer('https://0.0.0.0:6443') },
    ...refusedEverywhere('UNSPECIFIED'),
  },
  {
    name: 'server at an in-cluster Service name',
    input: { kubeconfig: atServer('https://kubernetes.default.svc') },
    ...refusedEverywhere('INTERNAL_HOST'),
  },
  {
    name: 'server at 10.0.0.1 (private)',
    input: { kubeconfig: atServer('https://10.0.0.1:9') },
    ...refusedByServiceOnly('PRIVATE'),
  },
  {
    name: 'server at 192.168.1.1 (private)',
    input: { kubeconfig: atServer('https://192.168.1.1:9') },
    ...refusedByServiceOnly('PRIVATE'),
  },
  {
    name: 'server at 172.16.0.1 (private)',
    input: { kubeconfig: atServer('https://172.16.0.1:9') },
    ...refusedByServiceOnly('PRIVATE'),
  },
  {
    name: 'server at [::1] (loopback)',
    input: { kubeconfig: atServer('https://[::1]:9') },
    ...refusedByServiceOnly('LOOPBACK'),
  },
  {
    name: 'server at [fd00::1] (unique local)',
    input: { kubeconfig: atServer('https://[fd00::1]:9') },
    ...refusedByServiceOnly('PRIVATE'),
  },
  {
    name: 'server at 127.0.0.1 (loopback, not allow-listed)',
    input: { kubeconfig: atServer('https://127.0.0.1:9') },
    ...refusedByServiceOnly('LOOPBACK'),
  },
  {
    name: 'server at localhost',
    input: { kubeconfig: atServer('https://localhost:9') },
    ...refusedByServiceOnly('LOOPBACK'),
  },

  // Manifests that would cost the parser, or the grader, more than they are worth.
  {
    name: 'manifest billion laughs',
    input: { manifest: billionLaughs('apiVersion: v1') },
    api: { status: 422, code: 'MANIFEST_TOO_COMPLEX' },
    cli: { exitCode: 3, code: 'MANIFEST_TOO_COMPLEX' },
  },
  {
    name: 'manifest nested 60 levels deep',
    input: { manifest: nestedMapping(60, 'deep') },
    api: { status: 422, code: 'MANIFEST_TOO_COMPLEX' },
    cli: { exitCode: 3, code: 'MANIFEST_TOO_COMPLEX' },
  },
  {
    name: 'manifest with 21 YAML documents',
    input: {
      manifest: Array.from(
        { length: 21 },
        (_, index) => `kind: Pod\nmetadata: { name: p${index} }\n`,
      ).join('---\n'),
    },
    api: { status: 422, code: 'MANIFEST_TOO_COMPLEX' },
    cli: { exitCode: 3, code: 'MANIFEST_TOO_COMPLEX' },
  },
  {
    name: 'manifest over the 64 KiB limit',
    input: { manifest: `${referenceManifest}# ${'x'.repeat(70 * 1024)}\n` },
    api: { status: 413, code: 'MANIFEST_TOO_LARGE' },
    cli: { exitCode: 3, code: 'MANIFEST_TOO_LARGE' },
  },
  {
    name: 'manifest with a js-yaml function tag',
    input: { manifest: `${referenceManifest}evil: !!js/function "function () {}"\n` },
    api: { status: 422, code: 'MANIFEST_INVALID_YAML' },
    cli: { exitCode: 3, code: 'MANIFEST_INVALID_YAML' },
  },
  {
    name: 'manifest with __proto__ and constructor keys (harmless data)',
    input: {
      manifest: `${referenceManifest}__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\n`,
    },
    api: { status: 202 },
    cli: { reachesCluster: true },
  },

  // Quiz answers.
  {
    name: 'free-text answer longer than the limit',
    input: { answers: { [freeTextQuestionId]: 'a'.repeat(maxFreeTextAnswerLength + 1) } },
    api: { status: 422, code: 'ANSWER_INVALID' },
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },
  {
    name: 'answer of the wrong type (a number)',
    input: { answers: { [freeTextQuestionId]: 42 } },
    api: bodyInvalid,
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },
  {
    name: 'free-text answer given as a list',
    input: { answers: { [freeTextQuestionId]: ['one', 'two'] } },
    api: { status: 422, code: 'ANSWER_INVALID' },
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },
  {
    name: 'answers that are a list, not a mapping',
    input: { answers: ['pending-causes'] },
    api: bodyInvalid,
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },
  {
    name: 'answers with a __proto__ key (dropped, harmless)',
    input: {},
    http: { rawBody: (json) => json.replace('"answers":{}', '"answers":{"__proto__":"yes"}') },
    api: { status: 202 },
  },
  {
    name: 'answer to a question the assessment does not have',
    input: { answers: { [freeTextQuestionId]: 'ErrImagePull', 'is-admin': 'yes' } },
    api: { status: 422, code: 'ANSWER_INVALID' },
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },
  {
    name: 'answers file that is not YAML',
    input: { answersFileText: `${freeTextQuestionId}: [unclosed "${plant('answertext')}` },
    cli: { exitCode: 3, code: 'ANSWER_INVALID' },
  },

  // Which assessment, and where to grade.
  {
    name: 'unknown assessment',
    input: { assessmentId: 'no-such-assessment' },
    api: { status: 404, code: 'ASSESSMENT_NOT_FOUND' },
    cli: { exitCode: 2 },
  },
  {
    name: 'assessment id that walks out of the assessments folder',
    input: { assessmentId: '../../../../etc' },
    api: { status: 404, code: 'ASSESSMENT_NOT_FOUND' },
    cli: { exitCode: 2 },
  },
  {
    name: 'namespace that is not a DNS label (path traversal)',
    input: { kubeconfig: atServer('https://127.0.0.1:9'), namespace: '../../api/v1/secrets' },
    api: bodyInvalid,
    cli: { exitCode: 2 },
  },
  {
    name: 'namespace with upper case',
    input: { kubeconfig: atServer('https://127.0.0.1:9'), namespace: 'Default' },
    api: bodyInvalid,
    cli: { exitCode: 2 },
  },
  {
    name: 'context name longer than a Kubernetes name',
    input: { kubeconfig: atServer('https://127.0.0.1:9'), context: 'c'.repeat(300) },
    api: bodyInvalid,
    cli: { exitCode: 3, code: 'KUBECONFIG_REJECTED', reason: 'CONTEXT_NOT_FOUND' },
  },

  // The request itself.
  {
    name: 'body that is not JSON',
    input: {},
    http: { rawBody: () => '{"assessmentId": "first-pod",' },
    api: { status: 400, code: 'BODY_NOT_JSON' },
  },
  {
    name: 'body that is JSON null',
    input: {},
    http: { rawBody: () => 'null' },
    api: { status: 400, code: 'BODY_NOT_JSON' },
  },
  {
    name: 'body that is a JSON list',
    input: {},
    http: { rawBody: (json) => `[${json}]` },
    api: bodyInvalid,
  },
  {
    name: 'body sent as text/plain',
    input: {},
    http: { contentType: 'text/plain' },
    api: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    name: 'body sent as a form',
    input: {},
    http: {
      contentType: 'application/x-www-form-urlencoded',
      rawBody: () => 'assessmentId=first-pod',
    },
    api: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    name: 'body in a charset other than UTF',
    input: {},
    http: { contentType: 'application/json; charset=latin1' },
    api: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    name: 'body over the size limit',
    input: { manifest: 'x'.repeat(300 * 1024) },
    api: { status: 413, code: 'BODY_TOO_LARGE' },
  },
  {
    name: 'gzip bomb: a small compressed body that inflates past the limit',
    input: { manifest: ' '.repeat(20 * 1024 * 1024) },
    http: { contentEncoding: 'gzip' },
    api: { status: 413, code: 'BODY_TOO_LARGE' },
  },
  {
    name: 'body claiming gzip that is not gzip',
    input: {},
    http: { contentEncoding: 'gzip', rawBody: (json) => json },
    api: { status: 400, code: 'BODY_NOT_JSON' },
  },
  {
    name: 'learnerId of 10 000 characters',
    input: {},
    http: { body: (body) => ({ ...body, learnerId: 'l'.repeat(10_000) }) },
    api: bodyInvalid,
  },
  {
    name: 'learnerId with spaces',
    input: {},
    http: { body: (body) => ({ ...body, learnerId: 'robert tables' }) },
    api: bodyInvalid,
  },
  {
    name: 'learnerId with control characters',
    input: {},
    http: { body: (body) => ({ ...body, learnerId: 'learner\r\n\u001b[31m' }) },
    api: bodyInvalid,
  },

  // Text that PostgreSQL refuses (NUL) or that is not Unicode (a lone surrogate), anywhere.
  {
    name: 'learnerId with a NUL character',
    input: {},
    http: { body: (body) => ({ ...body, learnerId: 'learner\u0000' }) },
    api: invalidText,
  },
  {
    name: 'manifest with a NUL character',
    input: { manifest: referenceManifest.replace('my-pod', 'my-\u0000pod') },
    api: invalidText,
  },
  {
    name: 'manifest with a lone high surrogate',
    input: { manifest: `${referenceManifest}# \ud800\n` },
    api: invalidText,
  },
  {
    name: 'free-text answer with a NUL character',
    input: { answers: { [freeTextQuestionId]: 'ImagePullBackOff\u0000' } },
    api: invalidText,
  },
  {
    name: 'answer keyed by a lone low surrogate',
    input: { answers: { '\udc00': 'ImagePullBackOff' } },
    api: invalidText,
  },
  {
    name: 'kubeconfig with a NUL character (and a token)',
    input: { kubeconfig: `${atServer('https://127.0.0.1:9')}\u0000` },
    api: invalidText,
  },
  {
    name: 'NUL in a field the body does not have',
    input: {},
    http: { body: (body) => ({ ...body, 'note\u0000': 'x' }) },
    api: invalidText,
  },
  {
    name: 'courseId with a surrogate pair split in half',
    input: {},
    http: { body: (body) => ({ ...body, courseId: 'k8s-\ud83d' }) },
    api: invalidText,
  },

  // Grading without a cluster is a choice the request states, never an accident.
  {
    name: 'lesson with cluster checks, no cluster and no gradeWithoutCluster',
    input: {},
    http: {
      body: ({ gradeWithoutCluster: _dropped, ...body }) => body,
    },
    api: { status: 422, code: 'CLUSTER_REQUIRED' },
  },
  {
    name: 'gradeWithoutCluster together with a cluster',
    input: { kubeconfig: atServer('https://127.0.0.1:9') },
    http: { body: (body) => ({ ...body, gradeWithoutCluster: true }) },
    api: bodyInvalid,
  },
  {
    name: 'learnerId that is not a string',
    input: {},
    http: { body: (body) => ({ ...body, learnerId: { $ne: null } }) },
    api: bodyInvalid,
  },
  {
    name: 'unknown top-level field (the body is strict)',
    input: {},
    http: { body: (body) => ({ ...body, isAdmin: true }) },
    api: bodyInvalid,
  },
  {
    name: 'unknown field inside cluster, carrying a token',
    input: { kubeconfig: atServer('https://127.0.0.1:9') },
    http: {
      body: (body) => ({
        ...body,
        cluster: { ...(body.cluster as object), token: plant('sidetoken') },
      }),
    },
    api: bodyInvalid,
  },
  {
    name: '__proto__ at the top of the body',
    input: {},
    http: {
      rawBody: (json) => json.replace(/^\{/, '{"__proto__":{"polluted":"yes","isAdmin":true},'),
    },
    api: bodyInvalid,
  },
  {
    name: '__proto__ inside cluster',
    input: { kubeconfig: atServer('https://127.0.0.1:9') },
    http: {
      rawBody: (json) => json.replace('"cluster":{', '"cluster":{"__proto__":{"polluted":"yes"},'),
    },
    api: bodyInvalid,
  },
  {
    name: 'Idempotency-Key of 500 characters',
    input: {},
    http: { headers: { 'Idempotency-Key': 'k'.repeat(500) } },
    api: bodyInvalid,
  },
  {
    name: 'Idempotency-Key with control characters',
    input: {},
    http: { headers: { 'Idempotency-Key': 'key\twith\ttabs' } },
    api: bodyInvalid,
  },
];
