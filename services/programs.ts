import { defaultProgram, withProgramDefaults, type ProgramConfig } from '../domain/program';
import type { CatalogProduct } from '../domain/rules';
import type { Field } from '../domain/fields';
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

export async function saveProgram(db: Db, config: ProgramConfig, by: string): Promise<{ created: boolean }> {
  const data = { config: config as unknown as Prisma.InputJsonObject, updatedBy: by };
  const existed = await db.program.findUnique({ where: { year: config.year }, select: { year: true } });
  await db.program.upsert({
    where: { year: config.year },
    create: { year: config.year, ...data },
    update: data,
  });
  return { created: !existed };
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
