// Used by the Prisma CLI where its schema engine is available (`prisma migrate deploy`, `prisma studio`).
// The application itself applies migrations with prisma/migrate.ts, which records them the same way.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
