-- Durable grading: what the grader observes is appended as it happens, so a retry, another
-- worker or a regrade resumes from it; attempts remember their queue, why they are waiting and
-- the stable code of a permanent failure; a rubric version's text is kept with it so attempts
-- that point to it stay gradable after a newer version is deployed.

-- AlterTable
ALTER TABLE "assessments" ADD COLUMN "source" TEXT;

-- AlterTable
ALTER TABLE "attempts" ADD COLUMN "queue_name" VARCHAR(100),
ADD COLUMN "not_gradable_code" VARCHAR(50),
ADD COLUMN "next_step" JSONB,
ADD COLUMN "parked_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "observations" (
    "seq" BIGSERIAL NOT NULL,
    "attempt_id" UUID NOT NULL,
    "entry" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "observations_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "observations_attempt_id_seq_idx" ON "observations"("attempt_id", "seq");

-- CreateIndex
CREATE INDEX "attempts_queue_name_status_idx" ON "attempts"("queue_name", "status");

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
