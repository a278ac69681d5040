-- CreateEnum
CREATE TYPE "attempt_status" AS ENUM ('queued', 'running', 'graded', 'not_gradable');

-- CreateEnum
CREATE TYPE "check_outcome" AS ENUM ('passed', 'failed', 'error');

-- CreateTable
CREATE TABLE "assessments" (
    "id" VARCHAR(100) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assessments_pkey" PRIMARY KEY ("id","version")
);

-- CreateTable
CREATE TABLE "attempts" (
    "id" UUID NOT NULL,
    "assessment_id" VARCHAR(100) NOT NULL,
    "assessment_version" VARCHAR(50) NOT NULL,
    "learner_id" VARCHAR(200) NOT NULL,
    "course_id" VARCHAR(200),
    "status" "attempt_status" NOT NULL DEFAULT 'queued',
    "manifest" TEXT NOT NULL,
    "submitted_answers" JSONB NOT NULL DEFAULT '{}',
    "not_gradable_reason" TEXT,
    "cluster_secret" BYTEA,
    "idempotency_key" VARCHAR(200),
    "request_hash" CHAR(64),
    "score" DECIMAL(8,2),
    "max_score" DECIMAL(8,2),
    "passed" BOOLEAN,
    "grading_runs" INTEGER NOT NULL DEFAULT 0,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_results" (
    "attempt_id" UUID NOT NULL,
    "check_id" VARCHAR(100) NOT NULL,
    "position" INTEGER NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "outcome" "check_outcome" NOT NULL,
    "points_awarded" DECIMAL(8,2) NOT NULL,
    "points_possible" DECIMAL(8,2) NOT NULL,
    "message" TEXT NOT NULL,
    "hint" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "check_results_pkey" PRIMARY KEY ("attempt_id","check_id")
);

-- CreateTable
CREATE TABLE "quiz_answers" (
    "attempt_id" UUID NOT NULL,
    "question_id" VARCHAR(100) NOT NULL,
    "position" INTEGER NOT NULL,
    "answer" JSONB NOT NULL,
    "matched_concepts" TEXT[],
    "points_awarded" DECIMAL(8,2) NOT NULL,
    "points_possible" DECIMAL(8,2) NOT NULL,

    CONSTRAINT "quiz_answers_pkey" PRIMARY KEY ("attempt_id","question_id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" BIGSERIAL NOT NULL,
    "attempt_id" UUID NOT NULL,
    "kind" VARCHAR(100) NOT NULL,
    "data" JSONB NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attempts_assessment_id_assessment_version_idx" ON "attempts"("assessment_id", "assessment_version");

-- CreateIndex
CREATE INDEX "attempts_learner_id_idx" ON "attempts"("learner_id");

-- CreateIndex
CREATE INDEX "attempts_course_id_idx" ON "attempts"("course_id");

-- CreateIndex
CREATE INDEX "attempts_status_idx" ON "attempts"("status");

-- CreateIndex
CREATE UNIQUE INDEX "attempts_idempotency_key_key" ON "attempts"("idempotency_key");

-- CreateIndex
CREATE INDEX "evidence_attempt_id_idx" ON "evidence"("attempt_id");

-- AddForeignKey
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_assessment_id_assessment_version_fkey" FOREIGN KEY ("assessment_id", "assessment_version") REFERENCES "assessments"("id", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_answers" ADD CONSTRAINT "quiz_answers_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
