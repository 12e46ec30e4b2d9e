/**
 * Proves the hand-applied SQL migrations create exactly what prisma/schema.prisma (and so the generated
 * client) expects: every model's table and column with its type and nullability, every enum with its
 * values, every index and unique constraint.
 */
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { canonicalText, type ChainedEntry } from '../../domain/auditChain';
import { listMigrations, migrate } from '../../prisma/migrate';
import { eventually } from '../helpers/eventually';
import { createTestDatabase } from '../helpers/stack';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  isUpdatedAt: boolean;
  nativeType?: [string, string[]] | null;
}
interface Dmmf {
  datamodel: {
    models: { name: string; dbName: string | null; fields: DmmfField[] }[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: {
      model: string;
      type: 'id' | 'unique' | 'normal' | 'fulltext';
      dbName?: string | null;
      fields: { name: string }[];
    }[];
  };
}

const schemaText = fs.readFileSync(path.join(__dirname, '..', '..', 'prisma', 'schema.prisma'), 'utf8');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))) as Dmmf;

/** PostgreSQL's name for the column type Prisma creates for a field. */
function expectedType(f: DmmfField): string {
  if (f.isList) return `${expectedType({ ...f, isList: false })}[]`;
  if (f.kind === 'enum') return f.type;
  const native = f.nativeType?.[0];
  if (native === 'Date') return 'date';
  switch (f.type) {
    case 'String':
      return 'text';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'timestamp without time zone';
    case 'Json':
      return 'jsonb';
    case 'Float':
      return 'double precision';
    case 'Decimal':
      return 'numeric';
    case 'Bytes':
      return 'bytea';
    default:
      throw new Error(`unmapped Prisma type ${f.type}`);
  }
}

let db: { url: string; drop(): Promise<void> };
let pg: Client;
beforeAll(async () => {
  db = await createTestDatabase();
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});
afterAll(async () => {
  await pg?.end();
  await db?.drop();
});

describe('migrations', () => {
  it('create every table and column of the schema with its type and nullability, and nothing else', async () => {
    const { rows } = await pg.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, udt_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const actual = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const expected = new Set<string>();
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const f of model.fields.filter((x) => x.kind !== 'object')) {
        const column = f.dbName ?? f.name;
        const key = `${table}.${column}`;
        expected.add(key);
        const col = actual.get(key);
        expect({ key, exists: Boolean(col) }).toEqual({ key, exists: true });
        const type =
          col!.data_type === 'USER-DEFINED'
            ? col!.udt_name
            : col!.data_type === 'ARRAY'
              ? `${col!.udt_name.slice(1)}[]` // udt _text is text[]
              : col!.data_type;
        expect({ key, type, nullable: col!.is_nullable === 'YES' }).toEqual({
          key,
          type: expectedType(f),
          nullable: !f.isRequired || f.isList, // Prisma creates list columns without NOT NULL
        });
      }
    }
    expect([...actual.keys()].filter((k) => !expected.has(k))).toEqual([]);
  });

  it('create every enum with exactly its values', async () => {
    const { rows } = await pg.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname::text AS typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('create every primary key, unique constraint and index the schema declares', async () => {
    const { rows } = await pg.query<{
      table: string;
      unique: boolean;
      primary: boolean;
      columns: string[];
      partial: boolean;
    }>(
      `SELECT c.relname::text AS table, i.indisunique AS unique, i.indisprimary AS primary, i.indpred IS NOT NULL AS partial,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE c.relname <> '_prisma_migrations'
       GROUP BY c.relname, i.indexrelid, i.indisunique, i.indisprimary, i.indpred`,
    );
    const key = (table: string, kind: string, columns: string[]) => `${table}:${kind}:${columns.join(',')}`;
    const actual = new Set(
      rows
        .filter((r) => !r.partial)
        .map((r) => key(r.table, r.primary ? 'id' : r.unique ? 'unique' : 'normal', r.columns)),
    );
    const tableOf = new Map(dmmf.datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
    const columnOf = (model: string, field: string) =>
      dmmf.datamodel.models.find((m) => m.name === model)!.fields.find((f) => f.name === field)!.dbName ??
      field;
    const expected = new Set(
      dmmf.datamodel.indexes
        .filter((i) => i.type !== 'fulltext')
        .map((i) =>
          key(
            tableOf.get(i.model)!,
            i.type,
            i.fields.map((f) => columnOf(i.model, f.name)),
          ),
        ),
    );
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('are recorded as Prisma records them, and a second run applies nothing', async () => {
    const again = await migrate(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(listMigrations().map((m) => m.name));
    const { rows } = await pg.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(
      rows.map((r) => [r.migration_name, r.checksum, r.finished_at !== null, r.applied_steps_count]),
    ).toEqual(listMigrations().map((m) => [m.name, m.checksum, true, 1]));
  });

  it('keep an old enterprise’s qualification date, as its 科技型中小企业 validity', async () => {
    const QUALIFICATIONS = '20261128090000_qualifications';
    const before = listMigrations()
      .map((m) => m.name)
      .filter((n) => n < QUALIFICATIONS)
      .at(-1)!;
    const fresh = await createTestDatabaseUnmigrated();
    const c = new Client({ connectionString: fresh.url });
    try {
      expect((await migrate(fresh.url, undefined, { until: before })).applied.at(-1)).toBe(before);
      await c.connect();
      await c.query(
        `INSERT INTO "Enterprise" ("creditCode", "name", "district", "size", "foundedOn", "mainField",
           "techCertifiedUntil", "srdiLevel", "srdiValidUntil", "contactEmail", "updatedAt")
         VALUES ('91350100M000100Y43', '旧企业', '海淀区', 'SMALL', '2019-04-12', 'ARTIFICIAL_INTELLIGENCE',
           '2027-12-31', 'MUNICIPAL', '2028-06-30', 'old@example.com', now())`,
      );
      expect((await migrate(fresh.url)).applied).toContain(QUALIFICATIONS);
      const { rows } = await c.query(
        `SELECT "techSmeValidUntil"::text AS "techSme", "highTechCertifiedOn", "highTechValidUntil",
                "srdiValidUntil"::text AS "srdi", "foundedOn"::text AS "foundedOn"
         FROM "Enterprise" WHERE "creditCode" = '91350100M000100Y43'`,
      );
      expect(rows).toEqual([
        {
          techSme: '2027-12-31',
          highTechCertifiedOn: null,
          highTechValidUntil: null,
          srdi: '2028-06-30',
          foundedOn: '2019-04-12',
        },
      ]);
    } finally {
      await c.end().catch(() => undefined);
      await fresh.drop();
    }
  });

  it('chain the audit entries made before the audit chain, and the trigger every later one, also concurrent ones', async () => {
    const AUDIT_CHAIN = '20261203040000_audit_chain';
    const before = listMigrations()
      .map((m) => m.name)
      .filter((n) => n < AUDIT_CHAIN)
      .at(-1)!;
    const fresh = await createTestDatabaseUnmigrated();
    const [c, other, watcher] = [
      new Client({ connectionString: fresh.url }),
      new Client({ connectionString: fresh.url }),
      new Client({ connectionString: fresh.url }),
    ];
    const insert = (client: Client, key: string, entity: string | null, entityId: string | null) =>
      client.query(
        `INSERT INTO "AuditEvent" ("key", "at", "actor", "actorRole", "action", "note", "data", "entity", "entityId")
         VALUES ($1, '2026-03-01 02:03:04.567', 'admin-liu', 'admin', 'STAFF_UPDATED', '旧的"记录"', $2, $3, $4)`,
        [key, JSON.stringify({ before: { b: 1, a: [1.5, '甲'] }, after: null }), entity, entityId],
      );
    const entries = async (chain: string) =>
      (
        await c.query<ChainedEntry>(
          `SELECT id::text AS id, "key", "chain", "applicationId",
                  to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, "actor", "actorRole", "action",
                  "fromStatus", "toStatus", "note", "data"::text AS data, "entity", "entityId", "prevHash", "hash"
           FROM "AuditEvent" WHERE "chain" = $1 ORDER BY "AuditEvent".id`,
          [chain],
        )
      ).rows;
    const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
    const expectChained = (rows: ChainedEntry[], keys: string[]) => {
      expect(rows.map((r) => r.key)).toEqual(keys);
      rows.forEach((r, i) => {
        expect(r.prevHash).toBe(i === 0 ? null : rows[i - 1]!.hash);
        expect(r.hash).toBe(sha256(canonicalText(r)));
      });
    };
    try {
      await migrate(fresh.url, undefined, { until: before });
      await Promise.all([c.connect(), other.connect(), watcher.connect()]);
      await insert(c, 'old-1', 'staff', 'li');
      await insert(c, 'old-2', 'bank', 'B1');
      await insert(c, 'old-3', 'staff', 'li');
      await insert(c, 'old-4', null, null);
      expect((await migrate(fresh.url)).applied).toContain(AUDIT_CHAIN);
      expectChained(await entries('staff:li'), ['old-1', 'old-3']);
      expectChained(await entries('bank:B1'), ['old-2']);
      expectChained(await entries('general'), ['old-4']);

      // Another writer of the chain waits for the first's commit, and comes after everything it wrote.
      await c.query('BEGIN');
      await insert(c, 'new-1', 'staff', 'li');
      const waiting = insert(other, 'new-2', 'staff', 'li');
      // Watched from a third connection: inside c's transaction, pg_stat_activity would answer from the
      // snapshot its first read took, and might never see the writer start to wait.
      await eventually(
        async () =>
          (
            await watcher.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
                 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "AuditEvent"%'`,
            )
          ).rows[0]!.n,
        (n) => n === 1,
      );
      await insert(c, 'new-3', 'staff', 'li');
      await c.query('COMMIT');
      await waiting;
      expectChained(await entries('staff:li'), ['old-1', 'old-3', 'new-1', 'new-3', 'new-2']);
    } finally {
      await Promise.all([c.end(), other.end(), watcher.end()]).catch(() => undefined);
      await fresh.drop();
    }
  });

  it('take turns under the advisory lock when two runners start at once', async () => {
    const fresh = await createTestDatabaseUnmigrated();
    try {
      const [a, b] = await Promise.all([migrate(fresh.url), migrate(fresh.url)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(listMigrations().map((m) => m.name));
    } finally {
      await fresh.drop();
    }
  });
});

async function createTestDatabaseUnmigrated() {
  const name = `t_fresh_${Date.now()}`;
  const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(process.env.TEST_PG_ADMIN_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
