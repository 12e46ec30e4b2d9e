/**
 * The names people read for the domain's codes, Chinese and English. `GET /api/v1/meta` serves them, so
 * the console (and any other client) takes every list from one place, never copies it.
 */
import { AUDITED_ENTITIES, type AuditedEntity } from './audit';
import { DOCUMENT_TYPES, REQUIRED_DOCUMENTS } from './documents';
import { FIELDS, FIELD_NAMES, type Field } from './fields';
import { REASONS } from './rules/reasons';
import { RISK_FLAG_KINDS, RISK_FLAG_KIND_LABELS } from './riskFlags';
import { PAYMENT_FAILURE_LABELS, STUCK_KIND_LABELS } from './stuckText';
import {
  FOUR_EYES_BARRED,
  FOUR_EYES_QUEUES,
  QUEUES,
  QUEUE_LABELS as ROLE_QUEUE_LABELS,
  QUEUE_ROLE,
  ROLES,
  type Queue,
  type Role,
} from './roles';
import {
  APPLICATION_STATUSES,
  CANCELLABLE_STATUSES,
  FINAL_STATUSES,
  GRANT_HOLDING_STATUSES,
  PAYEE_CHANGEABLE_STATUSES,
  TRACKS,
  WITHDRAWABLE_STATUSES,
  type ApplicationStatus,
  type Track,
} from './status';

export interface Label {
  zh: string;
  en: string;
}

export const STATUS_LABELS: Record<ApplicationStatus, Label> = {
  SUBMITTED: { zh: '已提交', en: 'Submitted' },
  PRECHECK: { zh: '自动预审中', en: 'Automated precheck' },
  INITIAL_REVIEW: { zh: '初审中', en: 'Initial review' },
  NEEDS_INFO: { zh: '待补充材料', en: 'Information requested' },
  EXPERT_REVIEW: { zh: '专家评估中', en: 'Expert review' },
  FINAL_APPROVAL: { zh: '终审中', en: 'Final approval' },
  AWAITING_BUDGET: { zh: '等待预算', en: 'Awaiting budget' },
  APPROVED: { zh: '已批准', en: 'Approved' },
  IN_PUBLIC_NOTICE: { zh: '公示中', en: 'In public notice' },
  DISBURSING: { zh: '拨付中', en: 'Disbursing' },
  PAYMENT_FAILED: { zh: '拨付失败', en: 'Payment failed' },
  PAID: { zh: '已拨付', en: 'Paid' },
  TRACKING: { zh: '跟踪评估中', en: 'Follow-up' },
  CLOSED: { zh: '已办结', en: 'Closed' },
  REJECTED: { zh: '未通过', en: 'Rejected' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

export const TRACK_LABELS: Record<Track, Label> = {
  INCLUSIVE: { zh: '普惠型综合科技保险', en: 'Inclusive group insurance' },
  SRDI: { zh: '专精特新（产品目录）', en: 'SRDI (catalog products)' },
  FRONTIER: { zh: '集成电路/商业航天专属险', en: 'IC / commercial aerospace' },
};

export const FIELD_LABELS: Record<Field, Label> = {
  INTEGRATED_CIRCUIT: { zh: FIELD_NAMES.INTEGRATED_CIRCUIT, en: 'Integrated circuits' },
  COMMERCIAL_AEROSPACE: { zh: FIELD_NAMES.COMMERCIAL_AEROSPACE, en: 'Commercial aerospace' },
  ARTIFICIAL_INTELLIGENCE: { zh: FIELD_NAMES.ARTIFICIAL_INTELLIGENCE, en: 'Artificial intelligence' },
  BIOMEDICINE: { zh: FIELD_NAMES.BIOMEDICINE, en: 'Biomedicine' },
  NEW_GENERATION_IT: { zh: FIELD_NAMES.NEW_GENERATION_IT, en: 'New-generation IT' },
  INTELLIGENT_MANUFACTURING: { zh: FIELD_NAMES.INTELLIGENT_MANUFACTURING, en: 'Intelligent manufacturing' },
  NEW_ENERGY: { zh: FIELD_NAMES.NEW_ENERGY, en: 'New energy' },
  NEW_MATERIALS: { zh: FIELD_NAMES.NEW_MATERIALS, en: 'New materials' },
  OTHER: { zh: FIELD_NAMES.OTHER, en: 'Other' },
};

/** The queues' names are domain/roles.ts's; the English starts with a capital on the console. */
export const QUEUE_LABELS: Record<Queue, Label> = Object.fromEntries(
  Object.entries(ROLE_QUEUE_LABELS).map(([q, l]) => [
    q,
    { zh: l.zh, en: l.en.charAt(0).toUpperCase() + l.en.slice(1) },
  ]),
) as Record<Queue, Label>;

export const ROLE_LABELS: Record<Role | 'system' | 'public', Label> = {
  applicant: { zh: '申请企业', en: 'Applicant' },
  reviewer: { zh: '初审人员', en: 'Reviewer' },
  expert: { zh: '鉴定评估专家', en: 'Expert' },
  approver: { zh: '审批人员', en: 'Approver' },
  finance: { zh: '区财政局', en: 'Finance bureau' },
  bank: { zh: '合作银行', en: 'Partner bank' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  auditor: { zh: '审计人员', en: 'Auditor' },
  system: { zh: '系统自动处理', en: 'Automatic step' },
  public: { zh: '社会公众', en: 'Member of the public' },
};

export const SIZE_LABELS: Record<'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE', Label> = {
  MICRO: { zh: '微型', en: 'Micro' },
  SMALL: { zh: '小型', en: 'Small' },
  MEDIUM: { zh: '中型', en: 'Medium' },
  LARGE: { zh: '大型', en: 'Large' },
};

export const SRDI_LEVEL_LABELS: Record<'NATIONAL' | 'MUNICIPAL', Label> = {
  NATIONAL: { zh: '国家级专精特新“小巨人”', en: 'National SRDI "little giant"' },
  MUNICIPAL: { zh: '北京市专精特新中小企业', en: 'Beijing municipal SRDI enterprise' },
};

export const PRODUCT_CATEGORY_LABELS: Record<'R_AND_D' | 'TRANSFER' | 'OTHER', Label> = {
  R_AND_D: { zh: '研发类', en: 'R&D' },
  TRANSFER: { zh: '成果转化类', en: 'Technology transfer' },
  OTHER: { zh: '其他类', en: 'Other' },
};

export const PRODUCT_KIND_LABELS: Record<'CATALOG' | 'GROUP_INCLUSIVE', Label> = {
  CATALOG: { zh: '目录产品', en: 'Catalog product' },
  GROUP_INCLUSIVE: { zh: '普惠统保产品', en: 'Inclusive group product' },
};

/** The steps of an application's timeline (audit actions). */
export const STEP_LABELS: Record<string, Label> = {
  SUBMITTED: { zh: '提交申请', en: 'Submitted' },
  PRECHECK_STARTED: { zh: '开始自动预审', en: 'Automated precheck started' },
  PRECHECK_DONE: { zh: '自动预审完成', en: 'Automated precheck done' },
  TASK_OPENED: { zh: '进入审核环节', en: 'Task opened' },
  TASK_CLAIMED: { zh: '领取任务', en: 'Task claimed' },
  TASK_UNCLAIMED: { zh: '退回队列', en: 'Task given back' },
  TASK_ASSIGNED: { zh: '指派任务', en: 'Task assigned' },
  TASK_OVERDUE: { zh: '任务超期', en: 'Task overdue' },
  TASK_DONE: { zh: '环节完成', en: 'Task done' },
  DECISION: { zh: '作出决定', en: 'Decision' },
  SUPPLEMENT_RECEIVED: { zh: '收到补充材料', en: 'Supplement received' },
  WITHDRAWN: { zh: '撤回申请', en: 'Withdrawn' },
  CANCELLED: { zh: '管理员撤销', en: 'Cancelled by an administrator' },
  PAYMENT_RETRIED: { zh: '重新发起拨付', en: 'Payment retried' },
  LOAN_INTEREST_SET: { zh: '登记贷款需求', en: 'Loan request saved' },
  LOAN_INTEREST_WITHDRAWN: { zh: '撤回贷款需求', en: 'Loan request withdrawn' },
  GRANT_RESERVED: { zh: '预留补贴资金', en: 'Grant reserved' },
  PUBLISHED: { zh: '进入公示', en: 'Published in the notice' },
  OBJECTION_FILED: { zh: '收到公示异议', en: 'Objection filed' },
  DISBURSING: { zh: '发起拨付', en: 'Payment requested' },
  PAID: { zh: '拨付完成', en: 'Paid' },
  PAYMENT_FAILED: { zh: '拨付失败', en: 'Payment failed' },
  TRACKING: { zh: '进入跟踪评估', en: 'Follow-up' },
  SURVEY_SENT: { zh: '发送跟踪问卷', en: 'Survey sent' },
  RENEWAL_REMINDER: { zh: '续保提醒', en: 'Renewal reminder' },
  CLOSED: { zh: '办结', en: 'Closed' },
  BANK_MATCHING: { zh: '保贷联动', en: 'Bank matching' },
  BANK_MATCHING_STARTED: { zh: '开始保贷联动', en: 'Bank matching started' },
  BANK_REFERRALS_SENT: { zh: '推荐给合作银行', en: 'Referred to banks' },
  BANK_RESPONSE: { zh: '银行答复', en: 'Bank answered' },
  BANK_OFFERS_SENT: { zh: '向企业发送银行意向', en: 'Offers sent to the enterprise' },
  BANK_REFERRALS_EXPIRED: { zh: '银行答复期满', en: 'Bank deadline passed' },
  PAYEE_CHANGE_REQUESTED: { zh: '申请更换收款账户', en: 'Change of payee requested' },
  PAYEE_CHANGED: { zh: '收款账户变更生效', en: 'Payee changed' },
  RECOVERY_OPENED: { zh: '立案追回补贴', en: 'Recovery case opened' },
  RECOVERY_NOTICED: { zh: '已通知企业退还补贴', en: 'Enterprise told to repay' },
  RECOVERY_REMINDED: { zh: '追回到期提醒', en: 'Recovery reminder sent' },
  RECOVERY_ESCALATED: { zh: '追回逾期，提交审批人员', en: 'Recovery escalated to an approver' },
  RECOVERY_REPAID: { zh: '记录追回还款', en: 'Recovery repayment recorded' },
  RECOVERY_WAIVED: { zh: '核销追回余额', en: 'Recovery waived' },
  PAYEE_CHANGE_REJECTED: { zh: '驳回收款账户变更', en: 'Change of payee rejected' },
};

/** The audit trail's other entries: profile and configuration changes (data/audit.ts). */
export const CHANGE_LABELS: Record<string, Label> = {
  ENTERPRISE_CREATED: { zh: '登记企业信息', en: 'Enterprise registered' },
  ENTERPRISE_UPDATED: { zh: '修改企业信息', en: 'Enterprise profile changed' },
  STAFF_CREATED: { zh: '新增工作人员', en: 'Staff member added' },
  STAFF_UPDATED: { zh: '修改工作人员', en: 'Staff member changed' },
  BANK_CREATED: { zh: '新增合作银行', en: 'Partner bank added' },
  BANK_UPDATED: { zh: '修改合作银行', en: 'Partner bank changed' },
  PROGRAM_CREATED: { zh: '设置年度项目配置', en: 'Programme configured' },
  PROGRAM_UPDATED: { zh: '修改年度项目配置', en: 'Programme changed' },
  CATALOG_PRODUCT_CREATED: { zh: '新增目录产品', en: 'Catalog product added' },
  BUDGET_CREATED: { zh: '设置年度预算', en: 'Budget set' },
  BUDGET_UPDATED: { zh: '调整年度预算', en: 'Budget changed' },
  CALENDAR_LOADED: { zh: '载入节假日安排', en: 'Holiday calendar loaded' },
  RISK_FLAG_DISMISSED: { zh: '排除风险提示', en: 'Risk flag dismissed' },
  SITE_VISIT_SAMPLE_CREATED: { zh: '抽取实地走访样本', en: 'Site-visit sample drawn' },
  SITE_VISIT_RECORDED: { zh: '记录实地走访结果', en: 'Site-visit result recorded' },
};

export const AUDIT_ENTITY_LABELS: Record<AuditedEntity, Label> = {
  enterprise: { zh: '企业', en: 'Enterprise' },
  staff: { zh: '工作人员', en: 'Staff member' },
  bank: { zh: '合作银行', en: 'Partner bank' },
  program: { zh: '年度项目配置', en: 'Programme' },
  catalog: { zh: '产品目录', en: 'Catalog' },
  budget: { zh: '年度预算', en: 'Budget' },
  calendar: { zh: '节假日安排', en: 'Holiday calendar' },
  application: { zh: '申请', en: 'Application' },
  riskFlag: { zh: '风险提示', en: 'Risk flag' },
  siteVisit: { zh: '实地走访', en: 'Site visit' },
};

export const PAYEE_CHANGE_STATE_LABELS: Record<'PENDING' | 'APPROVED' | 'REJECTED', Label> = {
  PENDING: { zh: '待区财政局审批', en: 'Waiting for finance' },
  APPROVED: { zh: '已批准，已生效', en: 'Approved, in effect' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
};

/** Reason codes a person may give for a rejection, per queue (the review queues share one list). */
export const DECISION_REASON_LABELS: Record<string, Label> = {
  MISSING_DOCUMENT: { zh: '申报材料缺失', en: 'Missing document' },
  DOCUMENT_INVALID: { zh: '申报材料无效或不清晰', en: 'Document invalid or illegible' },
  FACTS_NOT_CONFIRMED: { zh: '申报信息无法核实', en: 'Declared facts cannot be confirmed' },
  NOT_ELIGIBLE_TECH_QUALIFICATION: { zh: '不具备科技企业资质', en: 'No technology qualification' },
  NOT_ELIGIBLE_FIELD: { zh: '主营领域不在支持范围', en: 'Main field not supported' },
  NOT_ELIGIBLE_PRODUCT: { zh: '保险产品不符合要求', en: 'Product does not qualify' },
  NOT_ELIGIBLE_POLICY_HOLDER: { zh: '投保人与申请企业不一致', en: 'Policy holder is not the applicant' },
  PREMIUM_NOT_PAID: { zh: '保费未实际支付', en: 'Premium not paid' },
  DUPLICATE_POLICY: { zh: '保单重复申请', en: 'Policy already in another application' },
  RISK_APPRAISAL_FAILED: { zh: '风险评估未通过', en: 'Risk appraisal failed' },
  OBJECTION_UPHELD: { zh: '公示异议成立', en: 'Objection upheld' },
  PAYMENT_ACCOUNT_INVALID: { zh: '收款账户无效', en: 'Bank account invalid' },
  PAYEE_MISMATCH: { zh: '收款人与申请企业不符', en: 'Payee is not the applicant' },
  OTHER: { zh: '其他（请在意见中说明）', en: 'Other (explain in the comment)' },
};

const REVIEW_REASONS = [
  'MISSING_DOCUMENT',
  'DOCUMENT_INVALID',
  'FACTS_NOT_CONFIRMED',
  'NOT_ELIGIBLE_TECH_QUALIFICATION',
  'NOT_ELIGIBLE_FIELD',
  'NOT_ELIGIBLE_PRODUCT',
  'NOT_ELIGIBLE_POLICY_HOLDER',
  'PREMIUM_NOT_PAID',
  'DUPLICATE_POLICY',
  'OTHER',
];

/** What each queue may decide (the workflow refuses the others) and the reason codes of its rejections. */
export const QUEUE_DECISIONS: Record<Queue, { decisions: string[]; rejectReasons: string[] }> = {
  'initial-review': { decisions: ['approve', 'reject', 'request_info'], rejectReasons: REVIEW_REASONS },
  'expert-review': {
    decisions: ['approve', 'reject'],
    rejectReasons: ['RISK_APPRAISAL_FAILED', 'NOT_ELIGIBLE_FIELD', 'NOT_ELIGIBLE_PRODUCT', 'OTHER'],
  },
  'final-approval': { decisions: ['approve', 'reject'], rejectReasons: REVIEW_REASONS },
  'objection-review': { decisions: ['approve', 'reject'], rejectReasons: ['OBJECTION_UPHELD', 'OTHER'] },
  'payment-exception': {
    decisions: ['approve', 'reject'],
    rejectReasons: ['PAYMENT_ACCOUNT_INVALID', 'PAYEE_MISMATCH', 'OTHER'],
  },
  budget: { decisions: [], rejectReasons: [] },
};

/** Four-eyes for the console: the guarded queues and, for each, the queues whose deciders it bars. */
export const FOUR_EYES = {
  decidedIn: [...FOUR_EYES_QUEUES],
  guarded: Object.keys(FOUR_EYES_BARRED) as Queue[],
};

export const CAMPAIGN_STATUS_LABELS: Record<string, Label> = {
  RUNNING: { zh: '进行中', en: 'Running' },
  COMPLETED: { zh: '已完成', en: 'Completed' },
  FAILED: { zh: '失败', en: 'Failed' },
  CANCELLED: { zh: '已取消', en: 'Cancelled' },
};

/** The whole of `GET /api/v1/meta`. */
export function buildMeta() {
  const entries = <K extends string>(codes: readonly K[], labels: Record<K, Label>) =>
    codes.map((code) => ({ code, ...labels[code] }));
  return {
    statuses: APPLICATION_STATUSES.map((code) => ({
      code,
      ...STATUS_LABELS[code],
      final: FINAL_STATUSES.includes(code),
      withdrawable: WITHDRAWABLE_STATUSES.includes(code),
      cancellable: CANCELLABLE_STATUSES.includes(code),
      grantHolding: GRANT_HOLDING_STATUSES.includes(code),
      payeeChangeable: PAYEE_CHANGEABLE_STATUSES.includes(code),
    })),
    tracks: TRACKS.map((code) => ({
      code,
      ...TRACK_LABELS[code],
      documents: [...REQUIRED_DOCUMENTS[code]],
    })),
    fields: entries(FIELDS, FIELD_LABELS),
    documentTypes: Object.entries(DOCUMENT_TYPES).map(([code, l]) => ({
      code,
      zh: l.zh,
      en: l.en.charAt(0).toUpperCase() + l.en.slice(1),
    })),
    queues: QUEUES.map((code) => ({
      code,
      ...QUEUE_LABELS[code],
      role: QUEUE_ROLE[code],
      ...QUEUE_DECISIONS[code],
      fourEyes: FOUR_EYES.guarded.includes(code),
      fourEyesBarredBy: [...(FOUR_EYES_BARRED[code] ?? [])],
    })),
    roles: entries([...ROLES, 'system', 'public'] as const, ROLE_LABELS),
    sizes: entries(['MICRO', 'SMALL', 'MEDIUM', 'LARGE'] as const, SIZE_LABELS),
    srdiLevels: entries(['NATIONAL', 'MUNICIPAL'] as const, SRDI_LEVEL_LABELS),
    productCategories: entries(['R_AND_D', 'TRANSFER', 'OTHER'] as const, PRODUCT_CATEGORY_LABELS),
    productKinds: entries(['CATALOG', 'GROUP_INCLUSIVE'] as const, PRODUCT_KIND_LABELS),
    steps: Object.entries(STEP_LABELS).map(([code, l]) => ({ code, ...l })),
    // Every action of the audit trail: the timeline's steps and the profile and configuration changes.
    auditActions: Object.entries({ ...STEP_LABELS, ...CHANGE_LABELS }).map(([code, l]) => ({ code, ...l })),
    auditEntities: entries(AUDITED_ENTITIES, AUDIT_ENTITY_LABELS),
    payeeChangeStates: entries(['PENDING', 'APPROVED', 'REJECTED'] as const, PAYEE_CHANGE_STATE_LABELS),
    decisionReasons: Object.entries(DECISION_REASON_LABELS).map(([code, l]) => ({ code, ...l })),
    ruleReasons: Object.entries(REASONS).map(([code, spec]) => ({ code, blocking: spec.blocking })),
    fourEyesQueues: FOUR_EYES.decidedIn,
    campaignStatuses: Object.entries(CAMPAIGN_STATUS_LABELS).map(([code, l]) => ({ code, ...l })),
    stuckKinds: Object.entries(STUCK_KIND_LABELS).map(([code, l]) => ({ code, ...l })),
    paymentFailures: Object.entries(PAYMENT_FAILURE_LABELS).map(([code, l]) => ({ code, ...l })),
    riskFlagKinds: entries(RISK_FLAG_KINDS, RISK_FLAG_KIND_LABELS),
  };
}
export type Meta = ReturnType<typeof buildMeta>;
