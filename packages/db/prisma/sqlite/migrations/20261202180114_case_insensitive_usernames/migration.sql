-- Usernames become unique whatever their case: the lower-cased form is stored and unique.
-- Existing rows are backfilled from their names (ASCII only, so lower() is the canonical form).
-- A pair differing only in case would break the unique index: the pre-flight check of the migrate path
-- (prisma/preflight.ts) stops before this runs and names them, the index is the backstop.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_users" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "username_canonical" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);
INSERT INTO "new_users" ("created_at", "id", "password_hash", "updated_at", "username", "username_canonical") SELECT "created_at", "id", "password_hash", "updated_at", "username", lower("username") FROM "users";
DROP TABLE "users";
ALTER TABLE "new_users" RENAME TO "users";
CREATE UNIQUE INDEX "users_username_canonical_key" ON "users"("username_canonical");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
