-- A transactional outbox of attempt events, and what integrations make of them: signed webhook
-- deliveries and LTI 1.3 score posts, each with a log of its tries.

-- An attempt may name the LMS line item and user its grade goes back to (LTI AGS).
ALTER TABLE "attempts" ADD COLUMN "lti_line_item_url" VARCHAR(2000);
ALTER TABLE "attempts" ADD COLUMN "lti_user_id" VARCHAR(200);

-- Written in the same transaction as the attempt's status change, so a grade is announced
-- exactly once and only when final; dispatched_at is set when deliveries have been made of it.
-- CreateTable
CREATE TABLE "attempt_events" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "type" VARCHAR(40) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "attempt_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "description" VARCHAR(500),
    "event_types" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret_sealed" BYTEA NOT NULL,
    "previous_secret_sealed" BYTEA,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL DEFAULT 'pending',
    "tries" INTEGER NOT NULL DEFAULT 0,
    "redeliveries" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" VARCHAR(500),
    "next_try_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery_tries" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" VARCHAR(500),
    "succeeded" BOOLEAN NOT NULL,

    CONSTRAINT "webhook_delivery_tries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_platforms" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "issuer" VARCHAR(500) NOT NULL,
    "client_id" VARCHAR(200) NOT NULL,
    "deployment_id" VARCHAR(200) NOT NULL,
    "token_endpoint" VARCHAR(2000) NOT NULL,
    "platform_jwks_url" VARCHAR(2000) NOT NULL,
    "token_audience" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_platforms_pkey" PRIMARY KEY ("id")
);

-- The tool's own signing keys; the private half sealed like cluster credentials.
-- CreateTable
CREATE TABLE "lti_tool_keys" (
    "kid" VARCHAR(64) NOT NULL,
    "private_key_sealed" BYTEA NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_tool_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "lti_score_posts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event_sequence" BIGINT NOT NULL,
    "line_item_url" VARCHAR(2000) NOT NULL,
    "user_id" VARCHAR(200) NOT NULL,
    "grading_progress" VARCHAR(20) NOT NULL,
    "score_given" DECIMAL(8,2),
    "score_maximum" DECIMAL(8,2),
    "status" VARCHAR(20) NOT NULL DEFAULT 'pending',
    "tries" INTEGER NOT NULL DEFAULT 0,
    "resends" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" VARCHAR(500),
    "score_timestamp" TIMESTAMPTZ(3),
    "next_try_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_score_posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_score_post_tries" (
    "id" BIGSERIAL NOT NULL,
    "post_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" VARCHAR(500),
    "succeeded" BOOLEAN NOT NULL,

    CONSTRAINT "lti_score_post_tries_pkey" PRIMARY KEY ("id")
);

-- The last score timestamp sent per tenant, line item and user: the next must be later.
-- CreateTable
CREATE TABLE "lti_score_clocks" (
    "tenant_id" UUID NOT NULL,
    "line_item_url" VARCHAR(2000) NOT NULL,
    "user_id" VARCHAR(200) NOT NULL,
    "last_timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lti_score_clocks_pkey" PRIMARY KEY ("tenant_id","line_item_url","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "attempt_events_sequence_key" ON "attempt_events"("sequence");

-- CreateIndex
CREATE INDEX "attempt_events_dispatched_at_sequence_idx" ON "attempt_events"("dispatched_at", "sequence");

-- CreateIndex
CREATE INDEX "attempt_events_attempt_id_idx" ON "attempt_events"("attempt_id");

-- CreateIndex
CREATE INDEX "webhook_endpoints_tenant_id_idx" ON "webhook_endpoints"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_event_id_endpoint_id_key" ON "webhook_deliveries"("event_id", "endpoint_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_tenant_id_created_at_idx" ON "webhook_deliveries"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_idx" ON "webhook_deliveries"("endpoint_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_try_at_idx" ON "webhook_deliveries"("status", "next_try_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_tries_delivery_id_idx" ON "webhook_delivery_tries"("delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_platforms_tenant_id_key" ON "lti_platforms"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_score_posts_event_id_key" ON "lti_score_posts"("event_id");

-- CreateIndex
CREATE INDEX "lti_score_posts_tenant_id_created_at_idx" ON "lti_score_posts"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "lti_score_posts_attempt_id_idx" ON "lti_score_posts"("attempt_id");

-- CreateIndex
CREATE INDEX "lti_score_posts_status_next_try_at_idx" ON "lti_score_posts"("status", "next_try_at");

-- CreateIndex
CREATE INDEX "lti_score_post_tries_post_id_idx" ON "lti_score_post_tries"("post_id");

-- AddForeignKey
ALTER TABLE "attempt_events" ADD CONSTRAINT "attempt_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attempt_events" ADD CONSTRAINT "attempt_events_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "attempt_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery_tries" ADD CONSTRAINT "webhook_delivery_tries_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_platforms" ADD CONSTRAINT "lti_platforms_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_score_posts" ADD CONSTRAINT "lti_score_posts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_score_posts" ADD CONSTRAINT "lti_score_posts_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_score_posts" ADD CONSTRAINT "lti_score_posts_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "attempt_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_score_post_tries" ADD CONSTRAINT "lti_score_post_tries_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "lti_score_posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_score_clocks" ADD CONSTRAINT "lti_score_clocks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
