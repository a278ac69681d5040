import { z } from 'zod';
import { type Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { LtiPlatform, LtiPlatformRegistration } from './lti-platform.js';
import type { ScoreProgress } from './lti-score.js';
import type { OutboundTryRecord } from '../integrations/outbound-try.js';

/** Everything LTI passback reads and writes in PostgreSQL. Tenant-facing reads are scoped. */

export const scorePostStatuses = ['pending', 'sent', 'failed', 'superseded'] as const;
export type ScorePostStatus = (typeof scorePostStatuses)[number];
const statusSchema = z.enum(scorePostStatuses);
const progressSchema = z.enum(['Pending', 'FullyGraded', 'Failed']);
/** A row of lti_score_clocks as the raw query returns it (one must exist: it was just ensured). */
const scoreClockRowSchema = z.object({ last_timestamp: z.date() });

export interface ScorePostRecord {
  id: string;
  attemptId: string;
  lineItemUrl: string;
  userId: string;
  gradingProgress: 'Pending' | 'FullyGraded' | 'Failed';
  scoreGiven: number | null;
  scoreMaximum: number | null;
  status: ScorePostStatus;
  tries: number;
  lastStatusCode: number | null;
  lastError: string | null;
  scoreTimestamp: Date | null;
  nextTryAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  log?: OutboundTryRecord[];
}

const postColumns = {
  id: true,
  tenantId: true,
  attemptId: true,
  eventSequence: true,
  lineItemUrl: true,
  userId: true,
  gradingProgress: true,
  scoreGiven: true,
  scoreMaximum: true,
  status: true,
  tries: true,
  lastStatusCode: true,
  lastError: true,
  scoreTimestamp: true,
  nextTryAt: true,
  sentAt: true,
  createdAt: true,
} as const;

type PostRow = Prisma.LtiScorePostGetPayload<{ select: typeof postColumns }>;

export class LtiRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async savePlatform(
    tenantId: string,
    id: string,
    registration: LtiPlatformRegistration,
  ): Promise<LtiPlatform> {
    const data = { ...registration, tokenAudience: registration.tokenAudience ?? null };
    const row = await this.prisma.ltiPlatform.upsert({
      where: { tenantId },
      create: { id, tenantId, ...data },
      update: data,
    });
    return toPlatform(row);
  }

  async findPlatform(tenantId: string): Promise<LtiPlatform | null> {
    const row = await this.prisma.ltiPlatform.findUnique({ where: { tenantId } });
    return row ? toPlatform(row) : null;
  }

  async deletePlatform(tenantId: string): Promise<boolean> {
    return (await this.prisma.ltiPlatform.deleteMany({ where: { tenantId } })).count === 1;
  }

  async listToolKeys(): Promise<
    Array<{ kid: string; privateKeySealed: Uint8Array; publicJwk: unknown }>
  > {
    return this.prisma.ltiToolKey.findMany({ orderBy: { createdAt: 'desc' } });
  }

  /**
   * Stores the first tool key unless one exists; several processes may race at first start, so
   * the check and insert run under a transaction-scoped advisory lock.
   */
  async insertFirstToolKey(key: {
    kid: string;
    privateKeySealed: Uint8Array;
    publicJwk: object;
  }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x6b676c74})`;
      if ((await tx.ltiToolKey.count()) > 0) return;
      await tx.ltiToolKey.create({
        data: { ...key, privateKeySealed: Buffer.from(key.privateKeySealed) },
      });
    });
  }

  async loadWork(id: string): Promise<(ScorePostRecord & { tenantId: string }) | null> {
    const row = await this.prisma.ltiScorePost.findUnique({ where: { id }, select: postColumns });
    return row ? { ...toRecord(row), tenantId: row.tenantId } : null;
  }

  /**
   * Chooses this try's score timestamp under a lock on the (user, line item) clock: one
   * millisecond after the last one sent, or now. A post whose attempt already has a later event
   * with a timestamp chosen (a FullyGraded overtaking a retried Pending) is superseded instead:
   * sending it would overwrite the newer grade.
   */
  async reserveTimestamp(
    id: string,
    now: Date,
  ): Promise<{ timestamp: Date } | { superseded: true }> {
    return this.prisma.$transaction(async (tx) => {
      const post = await tx.ltiScorePost.findUniqueOrThrow({ where: { id }, select: postColumns });
      const pair = { tenantId: post.tenantId, lineItemUrl: post.lineItemUrl, userId: post.userId };
      await tx.$executeRaw`
        INSERT INTO lti_score_clocks (tenant_id, line_item_url, user_id, last_timestamp)
        VALUES (${pair.tenantId}::uuid, ${pair.lineItemUrl}, ${pair.userId}, to_timestamp(0))
        ON CONFLICT DO NOTHING`;
      const [clock] = await tx.$queryRaw<unknown[]>`
        SELECT last_timestamp FROM lti_score_clocks
         WHERE tenant_id = ${pair.tenantId}::uuid AND line_item_url = ${pair.lineItemUrl} AND user_id = ${pair.userId}
         FOR UPDATE`;
      const newer = await tx.ltiScorePost.count({
        where: {
          ...pair,
          eventSequence: { gt: post.eventSequence },
          scoreTimestamp: { not: null },
        },
      });
      if (newer > 0) {
        await tx.ltiScorePost.update({
          where: { id },
          data: { status: 'superseded', nextTryAt: null },
        });
        return { superseded: true as const };
      }
      const last = scoreClockRowSchema.parse(clock).last_timestamp;
      const timestamp = new Date(Math.max(now.getTime(), last.getTime() + 1));
      await tx.ltiScoreClock.update({
        where: { tenantId_lineItemUrl_userId: pair },
        data: { lastTimestamp: timestamp },
      });
      await tx.ltiScorePost.update({ where: { id }, data: { scoreTimestamp: timestamp } });
      return { timestamp };
    });
  }

  async recordTry(
    id: string,
    entry: OutboundTryRecord & { status: ScorePostStatus; nextTryAt: Date | null },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.ltiScorePostTry.create({
        data: {
          postId: id,
          number: entry.number,
          startedAt: entry.startedAt,
          durationMs: entry.durationMs,
          statusCode: entry.statusCode,
          error: entry.error,
          succeeded: entry.succeeded,
        },
      }),
      this.prisma.ltiScorePost.update({
        where: { id },
        data: {
          status: entry.status,
          tries: entry.number,
          lastStatusCode: entry.statusCode,
          lastError: entry.error,
          nextTryAt: entry.nextTryAt,
          ...(entry.succeeded ? { sentAt: entry.startedAt } : {}),
        },
      }),
    ]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.ltiScorePost.update({
      where: { id },
      data: { status: 'failed', lastError: error, nextTryAt: null },
    });
  }

  async listPosts(
    tenantId: string,
    filter: { attemptId?: string; status?: ScorePostStatus; limit: number },
  ): Promise<ScorePostRecord[]> {
    const rows = await this.prisma.ltiScorePost.findMany({
      where: {
        tenantId,
        ...(filter.attemptId ? { attemptId: filter.attemptId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      },
      select: postColumns,
      orderBy: [{ eventSequence: 'desc' }],
      take: filter.limit,
    });
    return rows.map(toRecord);
  }

  async findPost(tenantId: string, id: string): Promise<ScorePostRecord | null> {
    const row = await this.prisma.ltiScorePost.findFirst({
      where: { tenantId, id },
      select: {
        ...postColumns,
        log: {
          orderBy: { number: 'asc' },
          select: {
            number: true,
            startedAt: true,
            durationMs: true,
            statusCode: true,
            error: true,
            succeeded: true,
          },
        },
      },
    });
    return row ? { ...toRecord(row), log: row.log } : null;
  }

  async requestResend(
    tenantId: string,
    id: string,
    now: Date,
  ): Promise<{ resends: number } | null> {
    const [row] = await this.prisma.ltiScorePost.updateManyAndReturn({
      where: { tenantId, id },
      data: { status: 'pending', nextTryAt: now, resends: { increment: 1 } },
      select: { resends: true },
    });
    return row ?? null;
  }
}

export function progressOf(post: ScorePostRecord): ScoreProgress {
  switch (post.gradingProgress) {
    case 'Pending':
      return { kind: 'pending' };
    case 'FullyGraded':
      return { kind: 'graded', score: post.scoreGiven ?? 0, maxScore: post.scoreMaximum ?? 0 };
    case 'Failed':
      return { kind: 'failed', reason: 'not gradable' };
  }
}

function toRecord(row: PostRow): ScorePostRecord {
  return {
    id: row.id,
    attemptId: row.attemptId,
    lineItemUrl: row.lineItemUrl,
    userId: row.userId,
    gradingProgress: progressSchema.parse(row.gradingProgress),
    scoreGiven: row.scoreGiven?.toNumber() ?? null,
    scoreMaximum: row.scoreMaximum?.toNumber() ?? null,
    status: statusSchema.parse(row.status),
    tries: row.tries,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    scoreTimestamp: row.scoreTimestamp,
    nextTryAt: row.nextTryAt,
    sentAt: row.sentAt,
    createdAt: row.createdAt,
  };
}

function toPlatform(row: {
  id: string;
  tenantId: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  tokenEndpoint: string;
  platformJwksUrl: string;
  tokenAudience: string | null;
}): LtiPlatform {
  return {
    id: row.id,
    tenantId: row.tenantId,
    issuer: row.issuer,
    clientId: row.clientId,
    deploymentId: row.deploymentId,
    tokenEndpoint: row.tokenEndpoint,
    platformJwksUrl: row.platformJwksUrl,
    ...(row.tokenAudience === null ? {} : { tokenAudience: row.tokenAudience }),
  };
}
