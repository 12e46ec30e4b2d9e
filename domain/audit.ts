/** What the audit trail records changes of (`GET /api/v1/audit?entity=`). */
export const AUDITED_ENTITIES = [
  'enterprise',
  'staff',
  'bank',
  'program',
  'catalog',
  'budget',
  'calendar',
  'application',
  'riskFlag',
  'siteVisit',
] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];
