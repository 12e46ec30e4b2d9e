/** Field codes of DOMAIN.md (mainField, keyFields, frontierFields, exclusiveFields). */
export const FIELDS = [
  'INTEGRATED_CIRCUIT',
  'COMMERCIAL_AEROSPACE',
  'ARTIFICIAL_INTELLIGENCE',
  'BIOMEDICINE',
  'NEW_GENERATION_IT',
  'INTELLIGENT_MANUFACTURING',
  'NEW_ENERGY',
  'NEW_MATERIALS',
  'OTHER',
] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_NAMES: Record<Field, string> = {
  INTEGRATED_CIRCUIT: '集成电路',
  COMMERCIAL_AEROSPACE: '商业航天',
  ARTIFICIAL_INTELLIGENCE: '人工智能',
  BIOMEDICINE: '生物医药',
  NEW_GENERATION_IT: '新一代信息技术',
  INTELLIGENT_MANUFACTURING: '智能制造',
  NEW_ENERGY: '新能源',
  NEW_MATERIALS: '新材料',
  OTHER: '其他',
};
