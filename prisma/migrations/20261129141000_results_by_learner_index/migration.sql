-- Exports per learner and the instructor views select one tenant's attempts of one assessment,
-- walk them in (learner, received_at) order (keyset pages of learners, best and latest attempt
-- per learner). Without this index every page of learners scans and sorts all of the tenant's
-- attempts; with it each page is an index range.
CREATE INDEX "attempts_tenant_id_assessment_id_learner_id_received_at_idx"
  ON "attempts" ("tenant_id", "assessment_id", "learner_id", "received_at");
