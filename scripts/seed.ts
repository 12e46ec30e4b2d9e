/** `npm run db:seed`: loads the demonstration catalog (development and demos only, never production). */
import { loadProcessConfig } from '../config/devSecrets';
import { seedDemoData } from '../prisma/seed';
import { createDb } from '../data/db';

const db = createDb(loadProcessConfig(process.env).database.url, { maxConnections: 1 });
seedDemoData(db)
  .then(() => console.log('demonstration catalog loaded'))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => void db.$disconnect());
