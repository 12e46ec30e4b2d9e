import { defaultProgram, withProgramDefaults, type ProgramConfig } from '../domain/program';
import type { CatalogProduct } from '../domain/rules';
import type { Field } from '../domain/fields';
import type { Actor } from '../domain/roles';
import { audited } from './audit';
import type { Db, Prisma } from './db';

/**
 * The configuration of a programme year: the stored one, or DOMAIN.md's defaults, stored on first use so
 * that every application of the year is judged under the same, visible configuration. A programme stored before
 * a field existed takes that field's default.
 */
export async function programFor(db: Db, year: number): Promise<ProgramConfig> {
  const stored = await db.program.findUnique({ where: { year } });
  if (stored) return withProgramDefaults(year, stored.config as unknown as Partial<ProgramConfig>);
  const config = defaultProgram(year);
  await db.program.createMany({
    data: [{ year, config: config as unknown as Prisma.InputJsonObject, updatedBy: 'system' }],
    skipDuplicates: true,
  });
  const row = await db.program.findUniqueOrThrow({ where: { year } });
  return withProgramDefaults(year, row.config as unknown as Partial<ProgramConfig>);
}

/** Stores a programme year's configuration, audited with what it replaced. */
export async function saveProgram(
  db: Db,
  config: ProgramConfig,
  actor: Actor,
): Promise<{ created: boolean }> {
  const data = { config: config as unknown as Prisma.InputJsonObject, updatedBy: actor.subject };
  return audited(db, {
    actor,
    entity: 'program',
    entityId: String(config.year),
    action: 'PROGRAM_UPDATED',
    async write(tx) {
      const before = await tx.program.findUnique({ where: { year: config.year } });
      await tx.program.upsert({
        where: { year: config.year },
        create: { year: config.year, ...data },
        update: data,
      });
      return { before: before?.config ?? null, after: config, result: { created: !before } };
    },
  });
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

type ProductRow = Awaited<ReturnType<Db['catalogProduct']['findFirstOrThrow']>>;
export function toCatalogProduct(p: ProductRow): CatalogProduct {
  return {
    productCode: p.productCode,
    insurerCode: p.insurerCode,
    name: p.name,
    kind: p.kind,
    category: p.category,
    exclusiveFields: p.exclusiveFields as Field[],
    activeFrom: day(p.activeFrom)!,
    activeTo: day(p.activeTo),
  };
}
