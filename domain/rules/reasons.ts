import { formatFen } from '../money';

/**
 * Every reason the rules can give, with a message for people in Chinese and English. Blocking reasons make
 * an application ineligible; the others explain how the amount was reached or what a reviewer should check.
 */
type Detail = Record<string, string | number>;
interface ReasonSpec {
  blocking: boolean;
  zh: (d: Detail) => string;
  en: (d: Detail) => string;
}

const fen = (d: Detail, k: string) => formatFen(Number(d[k] ?? 0));
/** A declared or recorded value: amounts (fields ending in Fen) in 元, as people read them. */
const value = (d: Detail, k: string) =>
  String(d.field ?? '').endsWith('Fen') && typeof d[k] === 'number' ? fen(d, k) : String(d[k] ?? '');

/** A declared policy fact the insurer records otherwise (the premium ones and the rest have their own codes). */
const INSURER_RECORD_USED: ReasonSpec = {
  blocking: false,
  zh: (d) =>
    `申报的${d.fieldZh}与保险公司记录不一致（申报 ${value(d, 'declared')}，记录 ${value(d, 'verified')}），以保险公司记录为准`,
  en: (d) =>
    `declared ${d.field} differs from the insurer's record (declared ${value(d, 'declared')}, record ${value(d, 'verified')}); the record is used`,
};

export const REASONS = {
  WINDOW_CLOSED: {
    blocking: true,
    zh: (d) => `不在${d.year}年度申报期内（${d.opensAt} 至 ${d.closesAt}）`,
    en: (d) => `outside the ${d.year} application window (${d.opensAt} to ${d.closesAt})`,
  },
  NOT_ELIGIBLE_REGISTRY: {
    blocking: true,
    zh: () => '企业登记系统中查无此统一社会信用代码',
    en: () => 'the enterprise registry does not know this credit code',
  },
  NOT_ELIGIBLE_DISTRICT: {
    blocking: true,
    zh: (d) => `企业注册地为${d.district}，不在海淀区`,
    en: (d) => `the enterprise is registered in ${d.district}, not in Haidian District`,
  },
  NOT_ELIGIBLE_CREDIT: {
    blocking: true,
    zh: () => '企业信用记录不良',
    en: () => 'the enterprise does not have a clean credit record',
  },
  NOT_ELIGIBLE_TECH_QUALIFICATION: {
    blocking: true,
    zh: (d) =>
      `保单起始日（${d.date}）无有效的科技型中小企业登记或高新技术企业证书，且高新技术企业证书非${d.year}年认定或重新认定`,
    en: (d) =>
      `no technology-SME registration or high-tech certificate valid on the policy start date (${d.date}), and no high-tech certificate issued or renewed in ${d.year}`,
  },
  NOT_ELIGIBLE_STAFF: {
    blocking: true,
    zh: (d) => `员工人数 ${d.staff} 人，超过普惠型统保上限 ${d.max} 人`,
    en: (d) => `${d.staff} staff, above the inclusive limit of ${d.max}`,
  },
  NOT_ELIGIBLE_REVENUE: {
    blocking: true,
    zh: (d) => `上年营业收入 ${fen(d, 'revenueFen')}，未低于普惠型统保上限 ${fen(d, 'maxFen')}`,
    en: (d) => `revenue ${fen(d, 'revenueFen')} is not under the inclusive limit of ${fen(d, 'maxFen')}`,
  },
  NOT_ELIGIBLE_FIELD: {
    blocking: true,
    zh: (d) => `主营领域 ${d.field} 不在本类别支持的领域内`,
    en: (d) => `main field ${d.field} is not among the fields this track supports`,
  },
  NOT_ELIGIBLE_SRDI: {
    blocking: true,
    zh: (d) => `保单起始日（${d.date}）无有效的专精特新资质`,
    en: (d) => `no SRDI (专精特新) qualification valid on the policy start date (${d.date})`,
  },
  NOT_ELIGIBLE_PRODUCT: {
    blocking: true,
    zh: (d) => `保险产品 ${d.productCode} 不符合要求：${d.why_zh}`,
    en: (d) => `insurance product ${d.productCode} does not qualify: ${d.why_en}`,
  },
  NOT_ELIGIBLE_POLICY_HOLDER: {
    blocking: true,
    zh: (d) => `保单投保人（${d.holder}）与申请企业不一致`,
    en: (d) => `the policy holder (${d.holder}) is not the applying enterprise`,
  },
  POLICY_NOT_FOUND: {
    blocking: true,
    zh: (d) => `保险公司 ${d.insurerCode} 查无保单 ${d.policyNumber}`,
    en: (d) => `insurer ${d.insurerCode} has no policy ${d.policyNumber}`,
  },
  PREMIUM_NOT_PAID: {
    blocking: true,
    zh: () => '保费尚未实际支付',
    en: () => 'the premium has not been paid',
  },
  DUPLICATE_POLICY: {
    blocking: true,
    zh: () => '该保单已在其他有效申请中（一单一补）',
    en: () => 'this policy is already in another live application (one policy, one subsidy)',
  },
  MISSING_DOCUMENT: {
    blocking: true,
    zh: (d) => `缺少申报材料：${d.nameZh}`,
    en: (d) => `missing document: ${d.nameEn}`,
  },
  INCLUSIVE_YEARS_EXHAUSTED: {
    blocking: true,
    zh: (d) => `普惠型统保补贴原则上支持三年，已在 ${d.years} 年度获得补贴`,
    en: (d) => `inclusive subsidies are limited to ${d.max} policy years; already granted for ${d.years}`,
  },
  ANNUAL_CAP_REACHED: {
    blocking: true,
    zh: (d) => `${d.year}年度该类别补贴已达上限 ${fen(d, 'capFen')}`,
    en: (d) => `the ${d.year} annual cap of ${fen(d, 'capFen')} for this track is reached`,
  },
  CAPPED: {
    blocking: false,
    zh: (d) => `按年度上限剩余额度 ${fen(d, 'remainingFen')} 核定（测算金额 ${fen(d, 'computedFen')}）`,
    en: (d) =>
      `limited to the remaining annual cap of ${fen(d, 'remainingFen')} (computed ${fen(d, 'computedFen')})`,
  },
  INCLUSIVE_PREMIUM_CAPPED: {
    blocking: false,
    zh: (d) => `保费 ${fen(d, 'premiumFen')} 超过统保补贴基数上限，按 ${fen(d, 'capFen')} 计算`,
    en: (d) => `premium ${fen(d, 'premiumFen')} is above the inclusive base cap; ${fen(d, 'capFen')} is used`,
  },
  PREMIUM_MISMATCH: INSURER_RECORD_USED,
  POLICY_DETAILS_MISMATCH: INSURER_RECORD_USED,
  DECLARED_FACTS_MISMATCH: {
    blocking: false,
    zh: (d) => `企业申报的${d.fieldZh}（${d.declared}）与登记信息（${d.verified}）不一致，以登记信息为准`,
    en: (d) =>
      `declared ${d.field} (${d.declared}) differs from the registry (${d.verified}); the registry is used`,
  },
  REGISTRY_UNAVAILABLE: {
    blocking: false,
    zh: () => '企业登记系统暂不可用，企业信息未经核验，请人工核查',
    en: () =>
      'the enterprise registry was unavailable; enterprise facts are unverified and need a manual check',
  },
  INSURER_UNAVAILABLE: {
    blocking: false,
    zh: () => '保险公司系统暂不可用，保单信息未经核验，请人工核查',
    en: () => "the insurer's system was unavailable; policy facts are unverified and need a manual check",
  },
  FACT_UNKNOWN: {
    blocking: false,
    zh: (d) => `无法核验${d.fieldZh}，请人工核查`,
    en: (d) => `${d.field} could not be verified and needs a manual check`,
  },
} satisfies Record<string, ReasonSpec>;

export type ReasonCode = keyof typeof REASONS;

export interface Reason {
  code: ReasonCode;
  blocking: boolean;
  zh: string;
  en: string;
  detail: Detail;
}

export function reason(code: ReasonCode, detail: Detail = {}): Reason {
  const spec: ReasonSpec = REASONS[code];
  return { code, blocking: spec.blocking, zh: spec.zh(detail), en: spec.en(detail), detail };
}
