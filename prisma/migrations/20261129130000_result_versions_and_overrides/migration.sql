-- Every grading of an attempt is kept as a version of its result (the first grading, each
-- regrade, each override), and every override is kept with who made it, when, the value before
-- and after, and why. attempts/check_results/quiz_answers keep holding the result in force.

-- CreateTable
CREATE TABLE "result_versions" (
    "attempt_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "cause" VARCHAR(20) NOT NULL,
    "assessment_version" VARCHAR(50) NOT NULL,
    "score" DECIMAL(8,2),
    "max_score" DECIMAL(8,2),
    "passed" BOOLEAN,
    "checks" JSONB NOT NULL,
    "quiz" JSONB NOT NULL,
    "actor" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "result_versions_pkey" PRIMARY KEY ("attempt_id","version")
);

-- CreateTable
CREATE TABLE "result_overrides" (
    "id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "target" VARCHAR(10) NOT NULL,
    "target_id" VARCHAR(100) NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_at" TIMESTAMPTZ(3),
    "flagged_at" TIMESTAMPTZ(3),
    "regraded_value" JSONB,

    CONSTRAINT "result_overrides_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "result_overrides_attempt_id_idx" ON "result_overrides"("attempt_id");

-- AddForeignKey
ALTER TABLE "result_versions" ADD CONSTRAINT "result_versions_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "result_overrides" ADD CONSTRAINT "result_overrides_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
