-- Tenants (one per integrating platform) and their API keys; every attempt belongs to a tenant.

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "hash" CHAR(64) NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_name_key" ON "tenants"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Attempts stored before tenants existed go to a tenant named "legacy", created only if there are
-- any, so that the column can be NOT NULL without losing them. An operator can give that tenant a
-- key (`kubegrade admin key create --tenant legacy ...`) to read them.
ALTER TABLE "attempts" ADD COLUMN "tenant_id" UUID;
INSERT INTO "tenants" ("id", "name")
    SELECT gen_random_uuid(), 'legacy' WHERE EXISTS (SELECT 1 FROM "attempts");
UPDATE "attempts" SET "tenant_id" = (SELECT "id" FROM "tenants" WHERE "name" = 'legacy');
ALTER TABLE "attempts" ALTER COLUMN "tenant_id" SET NOT NULL;

-- An Idempotency-Key is the client's: two tenants may use the same one without colliding.
-- DropIndex
DROP INDEX "attempts_idempotency_key_key";

-- CreateIndex
CREATE UNIQUE INDEX "attempts_tenant_id_idempotency_key_key" ON "attempts"("tenant_id", "idempotency_key");

-- Listing a tenant's attempts pages over (received_at, id).
-- CreateIndex
CREATE INDEX "attempts_tenant_id_received_at_id_idx" ON "attempts"("tenant_id", "received_at", "id");

-- AddForeignKey
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
