-- An attempt may ask to be graded without a cluster (gradeWithoutCluster): its cluster checks
-- are then `skipped` (0 points, not run) and the attempt is graded, not retried.
ALTER TYPE "check_outcome" ADD VALUE 'skipped';

ALTER TABLE "attempts" ADD COLUMN "grade_without_cluster" BOOLEAN NOT NULL DEFAULT false;
