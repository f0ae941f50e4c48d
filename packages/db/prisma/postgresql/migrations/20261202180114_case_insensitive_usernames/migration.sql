-- Usernames become unique whatever their case: the lower-cased form is stored and unique.
-- Existing rows are backfilled from their names (ASCII only, so lower() is the canonical form).
-- A pair differing only in case would break the unique index: the pre-flight check of the migrate path
-- (prisma/preflight.ts) stops before this runs and names them, the index is the backstop.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "username_canonical" TEXT;
UPDATE "users" SET "username_canonical" = lower("username");
ALTER TABLE "users" ALTER COLUMN "username_canonical" SET NOT NULL;

-- DropIndex
DROP INDEX "users_username_key";

-- CreateIndex
CREATE UNIQUE INDEX "users_username_canonical_key" ON "users"("username_canonical");
