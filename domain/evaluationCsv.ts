import { toCsv, type CsvValue } from './csv';
import { TRACK_NAMES } from './emails';
import { FIELD_NAMES, type Field } from './fields';
import { type Track } from './status';
import type { EvaluationReport } from './evaluation';

/** The evaluation as CSV: one row a figure, with its section, key, Chinese label and unit. */

const SECTION_ZH: Record<string, string> = {
  summary: '总体',
  targets: '目标',
  bankMatching: '保贷联动',
  progress: '目标进度',
  byTrack: '按支持方向',
  byField: '按领域',
  byMonth: '按月',
  byQuarter: '按季度',
  surveys: '跟踪问卷',
  campaigns: '主动匹配',
};

const METRIC_ZH: Record<string, string> = {
  year: '评估年度',
  newInsuredEnterprises: '新增投保企业数',
  premiumFen: '保费（元）',
  premiumGrowthPct: '保费同比增长率（%）',
  riskCoverageFen: '风险保额（元）',
  subsidiesPaidFen: '已拨付补贴（元）',
  leverage: '财政资金杠杆倍数',
  highTechCoveragePct: '高新技术企业覆盖率（%）',
  insuredApplications: '获批投保申请数',
  insuredEnterprises: '投保企业数',
  applicationsPaid: '已拨付申请数',
  highTechInsuredEnterprises: '投保的高新技术企业数',
  highTechEnterpriseTotal: '全区高新技术企业总数',
  previousYearPremiumFen: '上年保费（元）',
  referrals: '推荐银行次数',
  granted: '获得授信',
  creditLineFen: '授信额度（元）',
  declined: '银行拒绝',
  expired: '逾期未答复',
  pending: '待答复',
  actual: '实际值',
  target: '目标值',
  achievedPct: '目标完成率（%）',
  growthPct: '环比增长率（%）',
  sent: '已发送问卷',
  answered: '已回复问卷',
  claimsFiled: '理赔申请次数',
  claimsPaidFen: '理赔金额（元）',
  loansObtainedFen: '获得贷款（元）',
  campaigns: '匹配活动次数',
  emailed: '已发送邀请',
  enterprisesReached: '触达企业数',
  opened: '打开邀请的企业数',
  applications: '由邀请产生的申请',
  conversionPct: '转化率（%）',
};

/** The properties that name a row of a breakdown. */
const ROW_KEYS = ['track', 'field', 'month', 'quarter'] as const;

function keyZh(key: string): string {
  if (key in TRACK_NAMES) return TRACK_NAMES[key as Track].zh;
  if (key in FIELD_NAMES) return FIELD_NAMES[key as Field];
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) return `${month[1]}年${Number(month[2])}月`;
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) return `${quarter[1]}年第${quarter[2]}季度`;
  return METRIC_ZH[key] ?? key;
}

export const EVALUATION_CSV_HEADER = ['section', 'key', 'metric', 'label_zh', 'value', 'unit'] as const;

/** Amounts leave in 元 with two decimals (the console's unit), named without their `Fen`; the unit is its own column. */
function inYuan(metric: string, value: Leaf): { metric: string; value: Leaf; unit: string } {
  if (metric.endsWith('Fen') && typeof value === 'number')
    return { metric: metric.slice(0, -3), value: (value / 100).toFixed(2), unit: '元' };
  if (metric.endsWith('Fen')) return { metric: metric.slice(0, -3), value, unit: '元' };
  if (metric.endsWith('Pct')) return { metric, value, unit: '%' };
  return { metric, value, unit: '' };
}

type Leaf = string | number | null;
const isLeaf = (v: unknown): v is Leaf => v === null || typeof v === 'number' || typeof v === 'string';

/**
 * The report in long form, one figure a row: `section,key,metric,label_zh,value,unit`, amounts in 元 with two
 * decimals (`premium`, `31500.00`, `元`). Top-level figures are in
 * section `summary`; breakdown rows are keyed by their track, field, month or quarter. Every figure of the
 * JSON appears (the walk is generic, so added figures follow).
 */
export function evaluationRows(report: EvaluationReport): CsvValue[][] {
  const rows: CsvValue[][] = [];
  const add = (section: string, key: string, name: string, raw: Leaf) => {
    const label = [SECTION_ZH[section], key ? keyZh(key) : '', METRIC_ZH[name] ?? name]
      .filter(Boolean)
      .join(' / ');
    const { metric, value, unit } = inYuan(name, raw);
    rows.push([section, key.endsWith('Fen') ? key.slice(0, -3) : key, metric, label, value, unit]);
  };
  for (const [name, value] of Object.entries(report)) {
    if (isLeaf(value)) {
      add('summary', '', name, value);
    } else if (Array.isArray(value)) {
      for (const row of value as Record<string, Leaf>[]) {
        const keyName = ROW_KEYS.find((k) => k in row)!;
        for (const [metric, v] of Object.entries(row))
          if (metric !== keyName) add(name, String(row[keyName]), metric, v);
      }
    } else {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        if (isLeaf(v)) add(name, '', sub, v);
        else for (const [metric, w] of Object.entries(v as Record<string, Leaf>)) add(name, sub, metric, w);
      }
    }
  }
  return rows;
}

export const evaluationCsv = (report: EvaluationReport): string =>
  toCsv([[...EVALUATION_CSV_HEADER], ...evaluationRows(report)]);
