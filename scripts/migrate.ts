/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
import { loadProcessConfig } from '../config/devSecrets';
import { migrate } from '../prisma/migrate';

migrate(loadProcessConfig(process.env).database.url, (line) => console.log(line))
  .then((r) => console.log(`${r.applied.length} applied, ${r.alreadyApplied.length} already applied`))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
