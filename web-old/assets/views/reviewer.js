// Staff pages (reviewer, expert, approver, finance): my queues, the task list and the task page with
// everything needed to decide — the application, the rule explanation, declared against verified facts,
// the documents inline, earlier decisions, the timeline — and claim / unclaim / decide.
import { addMessages, has, lang, t } from '../i18n.js';
import {
  ApiError,
  api,
  errorBox,
  field,
  fill,
  fmt,
  h,
  navLink,
  notice,
  onSubmit,
  page,
  select,
} from '../core.js';

const STAFF = ['reviewer', 'expert', 'approver', 'finance'];

/** The queues each role works (mirrors domain/roles.ts). */
const QUEUES_OF = {
  reviewer: ['initial-review'],
  expert: ['expert-review'],
  approver: ['final-approval', 'objection-review'],
  finance: ['payment-exception', 'budget'],
};

/** The decisions of each queue (the workflow refuses the others). */
const DECISIONS_OF = {
  'initial-review': ['approve', 'reject', 'request_info'],
  'expert-review': ['approve', 'reject'],
  'final-approval': ['approve', 'reject'],
  'objection-review': ['approve', 'reject'],
  'payment-exception': ['approve', 'reject'],
};

/** Whoever decided in these queues may not decide in the guarded ones (four-eyes). */
const FOUR_EYES_QUEUES = ['initial-review', 'expert-review'];
const FOUR_EYES_GUARDED = ['final-approval', 'objection-review'];

/** Reason codes offered for a rejection, per queue (the API takes any UPPER_SNAKE_CASE code). */
const REJECT_CODES = {
  review: [
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
  ],
  'expert-review': ['RISK_APPRAISAL_FAILED', 'NOT_ELIGIBLE_FIELD', 'NOT_ELIGIBLE_PRODUCT', 'OTHER'],
  'objection-review': ['OBJECTION_UPHELD', 'OTHER'],
  'payment-exception': ['PAYMENT_ACCOUNT_INVALID', 'PAYEE_MISMATCH', 'OTHER'],
};
const rejectCodes = (queue) => REJECT_CODES[queue] ?? REJECT_CODES.review;

addMessages({
  zh: {
    'rv.nav.queues': '我的任务',
    'rv.nav.tasks': '任务列表',
    'rv.queues.title': '我的任务',
    'rv.queues.intro': '您所在队列的待办任务。点击队列查看任务列表（按截止时间排序，最早到期的在前）。',
    'rv.queues.none': '您的角色没有任务队列。',
    'rv.queues.detail': '待领取 {open} · 已领取 {claimed} · 我的 {mine}',
    'rv.queues.total': '共 {n} 件待办',
    'rv.queues.overdue': '逾期 {n}',
    'rv.queues.noOverdue': '无逾期',
    'rv.queues.mine': '我领取的任务',
    'rv.queues.allOverdue': '所有已逾期任务',
    'rv.list.title': '任务列表',
    'rv.list.filters': '筛选任务',
    'rv.list.queue': '队列',
    'rv.list.allQueues': '全部队列',
    'rv.list.state': '状态',
    'rv.list.allStates': '全部（待领取和已领取）',
    'rv.list.open': '待领取',
    'rv.list.claimed': '已领取',
    'rv.list.mine': '只看我领取的',
    'rv.list.overdueOnly': '只看已逾期',
    'rv.list.sort': '排序',
    'rv.list.sortOldest': '截止时间：最早的在前',
    'rv.list.sortNewest': '截止时间：最晚的在前',
    'rv.list.apply': '筛选',
    'rv.list.none': '没有符合条件的任务。',
    'rv.list.caption': '任务（{sort}）',
    'rv.list.application': '申请编号',
    'rv.list.enterprise': '企业',
    'rv.list.track': '补贴类别',
    'rv.list.taskState': '办理状态',
    'rv.list.due': '截止时间（北京时间）',
    'rv.state.open': '待领取',
    'rv.state.claimed': '已领取：{who}',
    'rv.state.claimedByMe': '由我办理',
    'rv.state.done': '已办结',
    'rv.state.cancelled': '已取消',
    'rv.overdue': '已逾期',
    'rv.escalated': '已上报主管',
    'rv.task.title': '{queue}：{id}',
    'rv.task.summary': '申请概况',
    'rv.task.enterprise': '企业名称',
    'rv.task.creditCode': '统一社会信用代码',
    'rv.task.track': '补贴类别',
    'rv.task.status': '申请状态',
    'rv.task.reviewOrg': '初审单位',
    'rv.task.programYear': '申报年度',
    'rv.task.submitted': '提交时间',
    'rv.task.taskState': '任务状态',
    'rv.task.due': '截止时间（北京时间）',
    'rv.task.attention': '需要关注：{reason}',
    'rv.task.backToList': '返回任务列表',
    'rv.task.backToQueues': '返回我的任务',
    'rv.policy.title': '保单信息',
    'rv.actions.title': '办理',
    'rv.actions.openHint': '领取后即可作出决定；领取期间其他人员不能办理此任务。',
    'rv.actions.claim': '领取任务',
    'rv.actions.unclaim': '退回队列',
    'rv.actions.claimedByOther': '此任务已由 {who} 领取。',
    'rv.actions.claimedByMe': '您已领取此任务。',
    'rv.actions.claimedNow': '已领取。请在下方作出决定。',
    'rv.actions.unclaimedNow': '已退回队列。',
    'rv.actions.done': '此任务已办结（{outcome}，{at}）。',
    'rv.actions.cancelled': '此任务已取消。',
    'rv.actions.refresh': '刷新任务状态',
    'rv.actions.budget':
      '预算不足以支付本申请的补贴，申请在等待预算。区财政局提高本年度预算后，申请将自动继续，此任务随之完成，无需在此作出决定。',
    'rv.actions.fourEyesWarn':
      '按四眼原则：您曾在本申请的初审或专家评估中作出决定，不能办理终审或异议复核，请交由其他审批人员办理。',
    'rv.decision.title': '作出决定',
    'rv.decision.legend': '决定',
    'rv.decision.comment': '审核意见',
    'rv.decision.commentHint': '不予通过时须选择原因或填写意见；意见会通过邮件告知申请企业。',
    'rv.decision.reasonCode': '不予通过的原因',
    'rv.decision.noReason': '（不选择，在意见中说明）',
    'rv.decision.infoMessage': '需要企业补充的内容',
    'rv.decision.infoHint': '企业将收到邮件，须在期限内（默认 10 个工作日）补充，逾期视为撤回。',
    'rv.decision.grade': '风险评估等级',
    'rv.decision.opinion': '评估意见',
    'rv.decision.submit': '提交决定',
    'rv.decision.done': '决定已提交：{decision}。申请当前状态：{status}。',
    'rv.decision.rejectNeedsReason': '不予通过时，请选择原因或填写审核意见。',
    'rv.decision.required': '必填',
    'rv.d.approve': '通过',
    'rv.d.reject': '不予通过',
    'rv.d.request_info': '要求补充材料',
    'rv.d.initial-review.approve': '通过初审',
    'rv.d.initial-review.reject': '初审不予通过',
    'rv.d.expert-review.approve': '评估通过',
    'rv.d.expert-review.reject': '评估不通过',
    'rv.d.final-approval.approve': '批准补贴',
    'rv.d.final-approval.reject': '不予批准',
    'rv.d.objection-review.approve': '异议不成立，维持补贴',
    'rv.d.objection-review.reject': '异议成立，撤销补贴',
    'rv.d.payment-exception.approve': '重新拨付',
    'rv.d.payment-exception.reject': '取消拨付',
    'rv.explain.initial-review':
      '形式审查：核对申报材料与核验信息。通过后进入终审（集成电路/商业航天专属险先经专家评估）；材料不全可要求企业补充。',
    'rv.explain.expert-review': '鉴定评估：请给出风险评估等级（A/B/C）和评估意见。',
    'rv.explain.final-approval':
      '终审：批准后按年度上限和预算核定并预留补贴资金，申请进入公示；不予批准则申请结束。',
    'rv.explain.objection-review':
      '异议复核：“异议不成立”——补贴维持，公示期满后继续拨付；“异议成立”——申请不予补贴，预留资金释放。',
    'rv.explain.payment-exception':
      '拨付异常：“重新拨付”——收款账户已更正，再次发起支付（幂等，不会重复支付）；“取消拨付”——放弃支付，预留资金释放。',
    'rv.err.FOUR_EYES':
      '四眼原则：您已参与本申请的初审或专家评估，不能再办理终审或异议复核。请交由其他审批人员办理。',
    'rv.err.ALREADY_CLAIMED':
      '该任务已被其他人员领取，您不能再领取或办理。请刷新查看当前办理人，或选择其他任务。',
    'rv.err.TASK_NOT_CURRENT':
      '该任务已不是本申请当前待办的任务（可能已被他人办结，或申请已撤回）。请返回任务列表。',
    'rv.err.NOT_CLAIMED_BY_CALLER': '只有领取人（或队列主管）才能办理或退回此任务。请先领取任务。',
    'rv.err.INVALID_DECISION': '决定不完整，请按提示补充后再提交。',
    'rv.err.INVALID_STATE': '申请的状态已变化，此操作暂不可行。请刷新页面。',
    'rv.err.WRONG_ROLE': '您的角色或所属机构不能办理此任务。',
    'rv.err.NOT_SUPERVISOR': '只有队列主管可以执行此操作。',
    'rv.subsidy.title': '补贴测算与规则说明',
    'rv.subsidy.base': '补贴基数',
    'rv.subsidy.rate': '补贴比例',
    'rv.subsidy.computed': '测算金额',
    'rv.subsidy.granted': '核定金额',
    'rv.subsidy.notGranted': '尚未核定（终审时按年度上限和预算核定）',
    'rv.subsidy.year': '补贴年度',
    'rv.subsidy.payee': '收款方',
    'rv.subsidy.formula': '计算：补贴基数 × 补贴比例 = 测算金额（不足 1 分的部分舍去）',
    'rv.subsidy.pending': '自动预审尚未完成，暂无测算结果。',
    'rv.subsidy.reasons': '规则说明',
    'rv.subsidy.noReasons': '自动预审未发现需要说明的事项。',
    'rv.subsidy.blocking': '不符合条件',
    'rv.subsidy.note': '说明',
    'rv.payee.INSURER': '保险公司（统保保费）',
    'rv.payee.ENTERPRISE': '申请企业（保费报销）',
    'rv.facts.title': '申报信息与核验结果',
    'rv.facts.intro': '左列为企业申报的信息，右列为企业登记系统和保险公司的记录；不一致的项目已标出。',
    'rv.facts.caption': '{what}：申报与核验对比',
    'rv.facts.enterprise': '企业信息',
    'rv.facts.policy': '保单信息',
    'rv.facts.item': '项目',
    'rv.facts.declared': '企业申报',
    'rv.facts.verified': '核验结果',
    'rv.facts.check': '核对',
    'rv.facts.same': '一致',
    'rv.facts.differs': '不一致',
    'rv.facts.onlyVerified': '仅核验',
    'rv.facts.pending': '自动预审尚未完成，暂无核验结果。',
    'rv.facts.unverifiedEnterprise': '企业登记系统当时不可用：企业信息未经核验，请人工核查。',
    'rv.facts.unverifiedPolicy': '保险公司系统当时不可用：保单信息未经核验，请人工核查。',
    'rv.facts.verifiedNote': '已核验',
    'rv.f.name': '企业名称',
    'rv.f.district': '注册地',
    'rv.f.streetOffice': '所属街镇',
    'rv.f.size': '企业规模',
    'rv.f.staff': '员工人数',
    'rv.f.revenueFen': '上年营业收入',
    'rv.f.foundedOn': '成立日期',
    'rv.f.mainField': '主营领域',
    'rv.f.techSme': '科技型中小企业登记有效期至',
    'rv.f.highTech': '高新技术企业证书',
    'rv.f.srdi': '专精特新资质',
    'rv.f.creditClean': '信用记录良好',
    'rv.f.holder': '投保人（统一社会信用代码）',
    'rv.f.insurer': '保险公司 / 保单号',
    'rv.f.productCode': '保险产品',
    'rv.f.startDate': '保险起期',
    'rv.f.endDate': '保险止期',
    'rv.f.premiumFen': '保费',
    'rv.f.paidPremiumFen': '实付保费',
    'rv.f.paidAt': '缴费时间',
    'rv.f.sumInsuredFen': '保险金额',
    'rv.f.loan': '贷款意向（保贷联动）',
    'rv.highTech': '{from} 认定，有效期至 {to}',
    'rv.srdi.NATIONAL': '国家级专精特新“小巨人”',
    'rv.srdi.MUNICIPAL': '北京市专精特新中小企业',
    'rv.srdiUntil': '{level}，有效期至 {to}',
    'rv.loan': '{amount}，{months} 个月，用途：{purpose}',
    'rv.size.MICRO': '微型',
    'rv.size.SMALL': '小型',
    'rv.size.MEDIUM': '中型',
    'rv.size.LARGE': '大型',
    'rv.field.INTEGRATED_CIRCUIT': '集成电路',
    'rv.field.COMMERCIAL_AEROSPACE': '商业航天',
    'rv.field.ARTIFICIAL_INTELLIGENCE': '人工智能',
    'rv.field.BIOMEDICINE': '生物医药',
    'rv.field.NEW_GENERATION_IT': '新一代信息技术',
    'rv.field.INTELLIGENT_MANUFACTURING': '智能制造',
    'rv.field.NEW_ENERGY': '新能源',
    'rv.field.NEW_MATERIALS': '新材料',
    'rv.field.OTHER': '其他',
    'rv.info.title': '补充材料要求',
    'rv.info.text': '已要求企业补充：{message}（截止 {deadline}）',
    'rv.objections.title': '公示异议',
    'rv.objections.none': '没有记录的异议。',
    'rv.objections.filedAt': '提出时间',
    'rv.objections.who': '异议人（不公开）',
    'rv.objections.reason': '异议理由',
    'rv.objections.outcome': '结果',
    'rv.objections.UPHELD': '成立',
    'rv.objections.DISMISSED': '不成立',
    'rv.objections.pending': '待复核',
    'rv.payments.title': '拨付记录',
    'rv.payments.attempt': '次数',
    'rv.payments.status': '结果',
    'rv.payments.amount': '金额',
    'rv.payments.failure': '失败原因',
    'rv.payments.requestedAt': '发起时间',
    'rv.payments.account': '企业收款账户',
    'rv.docs.title': '申报材料',
    'rv.docs.none': '没有上传材料。',
    'rv.docs.type': '材料类型',
    'rv.docs.file': '文件',
    'rv.docs.size': '大小',
    'rv.docs.uploaded': '上传时间',
    'rv.docs.view': '查看',
    'rv.docs.viewLabel': '查看 {name}',
    'rv.docs.viewing': '正在查看：{type}（{name}）',
    'rv.docs.download': '下载此文件',
    'rv.docs.close': '关闭预览',
    'rv.docs.sha': 'SHA-256：{sha}',
    'rv.doc.APPLICATION_FORM': '申请表',
    'rv.doc.BUSINESS_LICENCE': '营业执照',
    'rv.doc.CREDIT_REPORT': '信用报告',
    'rv.doc.FINANCIAL_STATEMENTS': '上年度财务报表',
    'rv.doc.SOCIAL_INSURANCE_PROOF': '社保缴纳证明',
    'rv.doc.POLICY': '保险单',
    'rv.doc.PREMIUM_INVOICE': '保费发票',
    'rv.doc.INSURER_RECEIPT': '保险公司保费收据',
    'rv.doc.PAYMENT_VOUCHER': '企业付款凭证',
    'rv.doc.QUALIFICATION_CERTIFICATE': '资质证书',
    'rv.doc.SUPPLEMENT': '补充材料',
    'rv.decisions.title': '审核记录',
    'rv.decisions.none': '尚无人工审核决定。',
    'rv.decisions.at': '时间',
    'rv.decisions.actor': '审核人',
    'rv.decisions.queue': '环节',
    'rv.decisions.decision': '决定',
    'rv.decisions.comment': '意见',
    'rv.decisions.appraisal': '评估等级 {grade}：{opinion}',
    'rv.decisions.reason': '原因：{code}',
    'rv.decisions.asked': '要求补充：{message}',
    'rv.timeline.title': '办理进程',
    'rv.timeline.none': '尚无记录。',
    'rv.by': '{who}（{role}）',
    'rv.role.system': '系统',
    'rv.role.public': '公众',
    'rv.action.SUBMITTED': '提交申请',
    'rv.action.PRECHECK_STARTED': '开始自动预审',
    'rv.action.PRECHECK_DONE': '自动预审完成',
    'rv.action.TASK_OPENED': '生成待办任务',
    'rv.action.TASK_CLAIMED': '领取任务',
    'rv.action.TASK_UNCLAIMED': '退回队列',
    'rv.action.TASK_ASSIGNED': '指派任务',
    'rv.action.TASK_OVERDUE': '任务逾期',
    'rv.action.TASK_DONE': '任务完成',
    'rv.action.DECISION': '作出决定',
    'rv.action.SUPPLEMENT_RECEIVED': '收到补充材料',
    'rv.action.WITHDRAWN': '撤回',
    'rv.action.GRANT_RESERVED': '预留补贴资金',
    'rv.action.PUBLISHED': '进入公示',
    'rv.action.OBJECTION_FILED': '收到公示异议',
    'rv.action.DISBURSING': '发起拨付',
    'rv.action.PAID': '拨付完成',
    'rv.action.PAYMENT_FAILED': '拨付失败',
    'rv.action.TRACKING': '跟踪评估',
    'rv.action.SURVEY_SENT': '发送跟踪问卷',
    'rv.action.RENEWAL_REMINDER': '续保提醒',
    'rv.action.CLOSED': '办结',
    'rv.action.BANK_MATCHING': '保贷联动',
    'rv.action.BANK_MATCHING_STARTED': '开始保贷联动',
    'rv.action.BANK_REFERRALS_SENT': '推荐给合作银行',
    'rv.action.BANK_RESPONSE': '银行答复',
    'rv.action.BANK_OFFERS_SENT': '向企业发送银行意向',
    'rv.action.BANK_REFERRALS_EXPIRED': '银行答复期满',
    'rv.code.MISSING_DOCUMENT': '申报材料缺失',
    'rv.code.DOCUMENT_INVALID': '申报材料无效或不清晰',
    'rv.code.FACTS_NOT_CONFIRMED': '申报信息无法核实',
    'rv.code.NOT_ELIGIBLE_TECH_QUALIFICATION': '不具备科技企业资质',
    'rv.code.NOT_ELIGIBLE_FIELD': '主营领域不在支持范围',
    'rv.code.NOT_ELIGIBLE_PRODUCT': '保险产品不符合要求',
    'rv.code.NOT_ELIGIBLE_POLICY_HOLDER': '投保人与申请企业不一致',
    'rv.code.PREMIUM_NOT_PAID': '保费未实际支付',
    'rv.code.DUPLICATE_POLICY': '保单重复申请',
    'rv.code.RISK_APPRAISAL_FAILED': '风险评估未通过',
    'rv.code.OBJECTION_UPHELD': '公示异议成立',
    'rv.code.PAYMENT_ACCOUNT_INVALID': '收款账户无效',
    'rv.code.PAYEE_MISMATCH': '收款人与申请企业不符',
    'rv.code.OTHER': '其他（请在意见中说明）',
  },
  en: {
    'rv.nav.queues': 'My tasks',
    'rv.nav.tasks': 'Task list',
    'rv.queues.title': 'My tasks',
    'rv.queues.intro':
      'The open tasks of your queues. Choose a queue to see its tasks, the oldest due date first.',
    'rv.queues.none': 'Your role works no queue.',
    'rv.queues.detail': '{open} open · {claimed} claimed · {mine} mine',
    'rv.queues.total': '{n} to do',
    'rv.queues.overdue': '{n} overdue',
    'rv.queues.noOverdue': 'none overdue',
    'rv.queues.mine': 'Tasks I claimed',
    'rv.queues.allOverdue': 'All overdue tasks',
    'rv.list.title': 'Task list',
    'rv.list.filters': 'Filter tasks',
    'rv.list.queue': 'Queue',
    'rv.list.allQueues': 'All queues',
    'rv.list.state': 'State',
    'rv.list.allStates': 'All (open and claimed)',
    'rv.list.open': 'Open',
    'rv.list.claimed': 'Claimed',
    'rv.list.mine': 'Only tasks I claimed',
    'rv.list.overdueOnly': 'Only overdue tasks',
    'rv.list.sort': 'Order',
    'rv.list.sortOldest': 'Due date, oldest first',
    'rv.list.sortNewest': 'Due date, newest first',
    'rv.list.apply': 'Filter',
    'rv.list.none': 'No task matches.',
    'rv.list.caption': 'Tasks ({sort})',
    'rv.list.application': 'Application',
    'rv.list.enterprise': 'Enterprise',
    'rv.list.track': 'Track',
    'rv.list.taskState': 'State',
    'rv.list.due': 'Due (Beijing time)',
    'rv.state.open': 'Open',
    'rv.state.claimed': 'Claimed by {who}',
    'rv.state.claimedByMe': 'Claimed by me',
    'rv.state.done': 'Done',
    'rv.state.cancelled': 'Cancelled',
    'rv.overdue': 'Overdue',
    'rv.escalated': 'Escalated',
    'rv.task.title': '{queue}: {id}',
    'rv.task.summary': 'Application',
    'rv.task.enterprise': 'Enterprise',
    'rv.task.creditCode': 'Credit code',
    'rv.task.track': 'Track',
    'rv.task.status': 'Status',
    'rv.task.reviewOrg': 'First review by',
    'rv.task.programYear': 'Programme year',
    'rv.task.submitted': 'Submitted',
    'rv.task.taskState': 'Task',
    'rv.task.due': 'Due (Beijing time)',
    'rv.task.attention': 'Needs attention: {reason}',
    'rv.task.backToList': 'Back to the task list',
    'rv.task.backToQueues': 'Back to my tasks',
    'rv.policy.title': 'Policy',
    'rv.actions.title': 'Work this task',
    'rv.actions.openHint': 'Claim the task to decide it; while you hold it, nobody else can work it.',
    'rv.actions.claim': 'Claim task',
    'rv.actions.unclaim': 'Give back to the queue',
    'rv.actions.claimedByOther': '{who} has claimed this task.',
    'rv.actions.claimedByMe': 'You have claimed this task.',
    'rv.actions.claimedNow': 'Claimed. Decide below.',
    'rv.actions.unclaimedNow': 'Given back to the queue.',
    'rv.actions.done': 'This task is done ({outcome}, {at}).',
    'rv.actions.cancelled': 'This task was cancelled.',
    'rv.actions.refresh': 'Refresh the task',
    'rv.actions.budget':
      'The budget cannot cover this grant, so the application waits. Once the finance bureau raises this year’s budget, the application continues by itself and this task is done; there is nothing to decide here.',
    'rv.actions.fourEyesWarn':
      'Four-eyes rule: you decided in this application’s initial or expert review, so you may not give its final approval or judge an objection. Leave this task to another approver.',
    'rv.decision.title': 'Your decision',
    'rv.decision.legend': 'Decision',
    'rv.decision.comment': 'Comment',
    'rv.decision.commentHint':
      'A rejection needs a reason or a comment; the comment is e-mailed to the applicant.',
    'rv.decision.reasonCode': 'Reason for rejecting',
    'rv.decision.noReason': '(none — explain in the comment)',
    'rv.decision.infoMessage': 'What the enterprise must supply',
    'rv.decision.infoHint':
      'The enterprise is e-mailed and must answer by the deadline (10 working days by default), else the application is withdrawn.',
    'rv.decision.grade': 'Risk appraisal grade',
    'rv.decision.opinion': 'Appraisal opinion',
    'rv.decision.submit': 'Submit decision',
    'rv.decision.done': 'Decision recorded: {decision}. The application is now: {status}.',
    'rv.decision.rejectNeedsReason': 'A rejection needs a reason or a comment.',
    'rv.decision.required': 'required',
    'rv.d.approve': 'Approve',
    'rv.d.reject': 'Reject',
    'rv.d.request_info': 'Request information',
    'rv.d.initial-review.approve': 'Pass the initial review',
    'rv.d.initial-review.reject': 'Reject',
    'rv.d.expert-review.approve': 'Appraisal passed',
    'rv.d.expert-review.reject': 'Appraisal failed',
    'rv.d.final-approval.approve': 'Approve the subsidy',
    'rv.d.final-approval.reject': 'Refuse the subsidy',
    'rv.d.objection-review.approve': 'Dismiss the objection: the grant stands',
    'rv.d.objection-review.reject': 'Uphold the objection: no subsidy',
    'rv.d.payment-exception.approve': 'Pay again',
    'rv.d.payment-exception.reject': 'Cancel the payment',
    'rv.explain.initial-review':
      'Formal review: check the documents and the verified facts. A pass goes to final approval (IC / aerospace applications to the expert appraisal first); ask the enterprise for more when something is missing.',
    'rv.explain.expert-review': 'Risk appraisal: give a grade (A/B/C) and your opinion.',
    'rv.explain.final-approval':
      'Final approval: approving fixes the grant within the annual cap and budget, reserves the money and publishes the application; refusing ends it.',
    'rv.explain.objection-review':
      '“Dismiss” keeps the grant, paid once the notice ends; “uphold” rejects the application and releases the reserved money.',
    'rv.explain.payment-exception':
      '“Pay again” once the account is corrected (idempotent: never paid twice); “cancel” gives up the payment and releases the reserved money.',
    'rv.err.FOUR_EYES':
      'Four-eyes rule: you took part in this application’s initial or expert review, so you may not give its final approval or judge an objection. Another approver must take this task.',
    'rv.err.ALREADY_CLAIMED':
      'Someone else has already claimed this task, so you cannot claim or decide it. Refresh to see who holds it, or pick another task.',
    'rv.err.TASK_NOT_CURRENT':
      'This task is no longer the application’s open task (someone decided it, or the application was withdrawn). Go back to the task list.',
    'rv.err.NOT_CLAIMED_BY_CALLER':
      'Only the person who claimed the task (or a queue supervisor) may do this. Claim the task first.',
    'rv.err.INVALID_DECISION': 'The decision is incomplete; complete it as the message says.',
    'rv.err.INVALID_STATE': 'The application has moved on; this cannot be done now. Refresh the page.',
    'rv.err.WRONG_ROLE': 'Your role or organisation may not work this task.',
    'rv.err.NOT_SUPERVISOR': 'Only a queue supervisor may do this.',
    'rv.subsidy.title': 'Subsidy and the rules applied',
    'rv.subsidy.base': 'Base',
    'rv.subsidy.rate': 'Rate',
    'rv.subsidy.computed': 'Computed',
    'rv.subsidy.granted': 'Granted',
    'rv.subsidy.notGranted': 'Not yet fixed (set at final approval within the cap and budget)',
    'rv.subsidy.year': 'Subsidy year',
    'rv.subsidy.payee': 'Paid to',
    'rv.subsidy.formula': 'base × rate = computed (fractions of a fen dropped)',
    'rv.subsidy.pending': 'The automated precheck has not finished; nothing computed yet.',
    'rv.subsidy.reasons': 'Rule explanation',
    'rv.subsidy.noReasons': 'The automated precheck found nothing to explain.',
    'rv.subsidy.blocking': 'Not eligible',
    'rv.subsidy.note': 'Note',
    'rv.payee.INSURER': 'The insurer (group premium)',
    'rv.payee.ENTERPRISE': 'The enterprise (reimbursement)',
    'rv.facts.title': 'Declared and verified facts',
    'rv.facts.intro':
      'What the enterprise declared, next to the records of the enterprise registry and the insurer; differences are marked.',
    'rv.facts.caption': '{what}: declared against verified',
    'rv.facts.enterprise': 'Enterprise',
    'rv.facts.policy': 'Policy',
    'rv.facts.item': 'Item',
    'rv.facts.declared': 'Declared',
    'rv.facts.verified': 'Verified',
    'rv.facts.check': 'Check',
    'rv.facts.same': 'same',
    'rv.facts.differs': 'differs',
    'rv.facts.onlyVerified': 'registry only',
    'rv.facts.pending': 'The automated precheck has not finished; nothing verified yet.',
    'rv.facts.unverifiedEnterprise':
      'The enterprise registry was unavailable: the enterprise facts are unverified and need a manual check.',
    'rv.facts.unverifiedPolicy':
      'The insurer’s system was unavailable: the policy facts are unverified and need a manual check.',
    'rv.facts.verifiedNote': 'verified',
    'rv.f.name': 'Name',
    'rv.f.district': 'District',
    'rv.f.streetOffice': 'Street/town office',
    'rv.f.size': 'Size',
    'rv.f.staff': 'Staff',
    'rv.f.revenueFen': 'Last year’s revenue',
    'rv.f.foundedOn': 'Founded on',
    'rv.f.mainField': 'Main field',
    'rv.f.techSme': 'Tech-SME registration valid until',
    'rv.f.highTech': 'High-tech certificate',
    'rv.f.srdi': 'SRDI qualification',
    'rv.f.creditClean': 'Clean credit record',
    'rv.f.holder': 'Policy holder (credit code)',
    'rv.f.insurer': 'Insurer / policy number',
    'rv.f.productCode': 'Product',
    'rv.f.startDate': 'Starts',
    'rv.f.endDate': 'Ends',
    'rv.f.premiumFen': 'Premium',
    'rv.f.paidPremiumFen': 'Premium paid',
    'rv.f.paidAt': 'Paid at',
    'rv.f.sumInsuredFen': 'Sum insured',
    'rv.f.loan': 'Loan interest (bank matching)',
    'rv.highTech': 'certified {from}, valid until {to}',
    'rv.srdi.NATIONAL': 'national “little giant”',
    'rv.srdi.MUNICIPAL': 'Beijing municipal SRDI',
    'rv.srdiUntil': '{level}, valid until {to}',
    'rv.loan': '{amount}, {months} months, for: {purpose}',
    'rv.size.MICRO': 'micro',
    'rv.size.SMALL': 'small',
    'rv.size.MEDIUM': 'medium',
    'rv.size.LARGE': 'large',
    'rv.field.INTEGRATED_CIRCUIT': 'integrated circuits',
    'rv.field.COMMERCIAL_AEROSPACE': 'commercial aerospace',
    'rv.field.ARTIFICIAL_INTELLIGENCE': 'artificial intelligence',
    'rv.field.BIOMEDICINE': 'biomedicine',
    'rv.field.NEW_GENERATION_IT': 'new-generation IT',
    'rv.field.INTELLIGENT_MANUFACTURING': 'intelligent manufacturing',
    'rv.field.NEW_ENERGY': 'new energy',
    'rv.field.NEW_MATERIALS': 'new materials',
    'rv.field.OTHER': 'other',
    'rv.info.title': 'Information requested',
    'rv.info.text': 'The enterprise was asked: {message} (by {deadline})',
    'rv.objections.title': 'Objections',
    'rv.objections.none': 'No objection on record.',
    'rv.objections.filedAt': 'Filed',
    'rv.objections.who': 'Objector (not published)',
    'rv.objections.reason': 'Reason',
    'rv.objections.outcome': 'Outcome',
    'rv.objections.UPHELD': 'upheld',
    'rv.objections.DISMISSED': 'dismissed',
    'rv.objections.pending': 'to review',
    'rv.payments.title': 'Payments',
    'rv.payments.attempt': 'Attempt',
    'rv.payments.status': 'Result',
    'rv.payments.amount': 'Amount',
    'rv.payments.failure': 'Failure',
    'rv.payments.requestedAt': 'Requested',
    'rv.payments.account': 'Enterprise’s bank account',
    'rv.docs.title': 'Documents',
    'rv.docs.none': 'No document uploaded.',
    'rv.docs.type': 'Type',
    'rv.docs.file': 'File',
    'rv.docs.size': 'Size',
    'rv.docs.uploaded': 'Uploaded',
    'rv.docs.view': 'View',
    'rv.docs.viewLabel': 'View {name}',
    'rv.docs.viewing': 'Viewing: {type} ({name})',
    'rv.docs.download': 'Download this file',
    'rv.docs.close': 'Close the preview',
    'rv.docs.sha': 'SHA-256: {sha}',
    'rv.doc.APPLICATION_FORM': 'Application form',
    'rv.doc.BUSINESS_LICENCE': 'Business licence',
    'rv.doc.CREDIT_REPORT': 'Credit report',
    'rv.doc.FINANCIAL_STATEMENTS': 'Last year’s financial statements',
    'rv.doc.SOCIAL_INSURANCE_PROOF': 'Social-insurance proof',
    'rv.doc.POLICY': 'Insurance policy',
    'rv.doc.PREMIUM_INVOICE': 'Premium invoice',
    'rv.doc.INSURER_RECEIPT': 'Insurer’s premium receipt',
    'rv.doc.PAYMENT_VOUCHER': 'Payment voucher',
    'rv.doc.QUALIFICATION_CERTIFICATE': 'Qualification certificate',
    'rv.doc.SUPPLEMENT': 'Supplementary material',
    'rv.decisions.title': 'Earlier decisions',
    'rv.decisions.none': 'No decision by staff yet.',
    'rv.decisions.at': 'When',
    'rv.decisions.actor': 'By',
    'rv.decisions.queue': 'Step',
    'rv.decisions.decision': 'Decision',
    'rv.decisions.comment': 'Comment',
    'rv.decisions.appraisal': 'Grade {grade}: {opinion}',
    'rv.decisions.reason': 'Reason: {code}',
    'rv.decisions.asked': 'Asked for: {message}',
    'rv.timeline.title': 'Timeline',
    'rv.timeline.none': 'Nothing recorded yet.',
    'rv.by': '{who} ({role})',
    'rv.role.system': 'system',
    'rv.role.public': 'public',
    'rv.action.SUBMITTED': 'Submitted',
    'rv.action.PRECHECK_STARTED': 'Automated precheck started',
    'rv.action.PRECHECK_DONE': 'Automated precheck done',
    'rv.action.TASK_OPENED': 'Task opened',
    'rv.action.TASK_CLAIMED': 'Task claimed',
    'rv.action.TASK_UNCLAIMED': 'Task given back',
    'rv.action.TASK_ASSIGNED': 'Task assigned',
    'rv.action.TASK_OVERDUE': 'Task overdue',
    'rv.action.TASK_DONE': 'Task done',
    'rv.action.DECISION': 'Decision',
    'rv.action.SUPPLEMENT_RECEIVED': 'Supplement received',
    'rv.action.WITHDRAWN': 'Withdrawn',
    'rv.action.GRANT_RESERVED': 'Grant reserved',
    'rv.action.PUBLISHED': 'Published in the notice',
    'rv.action.OBJECTION_FILED': 'Objection filed',
    'rv.action.DISBURSING': 'Payment requested',
    'rv.action.PAID': 'Paid',
    'rv.action.PAYMENT_FAILED': 'Payment failed',
    'rv.action.TRACKING': 'Follow-up',
    'rv.action.SURVEY_SENT': 'Survey sent',
    'rv.action.RENEWAL_REMINDER': 'Renewal reminder',
    'rv.action.CLOSED': 'Closed',
    'rv.action.BANK_MATCHING': 'Bank matching',
    'rv.action.BANK_MATCHING_STARTED': 'Bank matching started',
    'rv.action.BANK_REFERRALS_SENT': 'Referred to banks',
    'rv.action.BANK_RESPONSE': 'Bank answered',
    'rv.action.BANK_OFFERS_SENT': 'Offers sent to the enterprise',
    'rv.action.BANK_REFERRALS_EXPIRED': 'Bank deadline passed',
    'rv.code.MISSING_DOCUMENT': 'Missing document',
    'rv.code.DOCUMENT_INVALID': 'Document invalid or illegible',
    'rv.code.FACTS_NOT_CONFIRMED': 'Declared facts cannot be confirmed',
    'rv.code.NOT_ELIGIBLE_TECH_QUALIFICATION': 'No technology qualification',
    'rv.code.NOT_ELIGIBLE_FIELD': 'Main field not supported',
    'rv.code.NOT_ELIGIBLE_PRODUCT': 'Product does not qualify',
    'rv.code.NOT_ELIGIBLE_POLICY_HOLDER': 'Policy holder is not the applicant',
    'rv.code.PREMIUM_NOT_PAID': 'Premium not paid',
    'rv.code.DUPLICATE_POLICY': 'Policy already in another application',
    'rv.code.RISK_APPRAISAL_FAILED': 'Risk appraisal failed',
    'rv.code.OBJECTION_UPHELD': 'Objection upheld',
    'rv.code.PAYMENT_ACCOUNT_INVALID': 'Bank account invalid',
    'rv.code.PAYEE_MISMATCH': 'Payee is not the applicant',
    'rv.code.OTHER': 'Other (explain in the comment)',
  },
});

navLink(STAFF, '#/queues', 'rv.nav.queues');
navLink(STAFF, '#/tasks', 'rv.nav.tasks');

/* ---------- small helpers ---------- */

const enc = encodeURIComponent;
const tOr = (key, fallback) => (has(key) ? t(key) : fallback);
const decisionLabel = (queue, d) => tOr(`rv.d.${queue}.${d}`, tOr(`rv.d.${d}`, String(d ?? '—')));
const codeLabel = (code) => (code ? tOr(`rv.code.${code}`, code) : '—');
const docType = (type) => tOr(`rv.doc.${type}`, type);
const actionLabel = (a) => tOr(`rv.action.${a}`, a);
const roleLabel = (r) => (r === 'system' || r === 'public' ? t(`rv.role.${r}`) : r ? fmt.role(r) : '');
const queuesOf = (role) => QUEUES_OF[role] ?? [];
const bytes = (n) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

/** The hash of the task list with these filters (empty ones left out). */
function listHash(q) {
  const p = new URLSearchParams();
  for (const k of ['queue', 'state', 'assignee', 'overdue', 'sort', 'page']) if (q[k]) p.set(k, q[k]);
  const qs = p.toString();
  return `#/tasks${qs ? `?${qs}` : ''}`;
}

function stateBadge(task, me) {
  if (task.state === 'open') return h('span', { class: 'badge warn' }, t('rv.state.open'));
  if (task.state === 'claimed')
    return h(
      'span',
      { class: 'badge' },
      task.assignee === me ? t('rv.state.claimedByMe') : t('rv.state.claimed', { who: task.assignee ?? '—' }),
    );
  return h('span', { class: 'badge ok' }, tOr(`rv.state.${task.state}`, task.state));
}

const overdueBadge = (task) => (task.overdue ? h('span', { class: 'badge bad' }, t('rv.overdue')) : null);

/** A refusal: a plain explanation for the codes people meet, above the server's own message. */
function refusal(err) {
  const key = `rv.err.${err?.code}`;
  return h(
    'div',
    { class: 'rv-refusal' },
    err?.code && has(key) ? h('p', { class: 'alert warn rv-explain', 'data-code': err.code }, t(key)) : null,
    errorBox(err),
  );
}

/** A cell of a table that stacks on phones (class rv-stack): its label is shown before the value there. */
const cellWith = (props, label, ...content) =>
  h('td', { ...props, 'data-label': label }, h('div', {}, content));
const cell = (label, ...content) => cellWith({}, label, ...content);

function table(caption, headers, rows, props = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      props,
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', { scope: 'col', class: x.num ? 'num' : null }, x.label ?? x)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

/* ---------- #/queues ---------- */

page('/queues', STAFF, async () => {
  const { queues } = await api.get('/api/v1/tasks/summary');
  const out = [h('h1', {}, t('rv.queues.title')), h('p', { class: 'muted' }, t('rv.queues.intro'))];
  if (!queues.length) return [...out, h('p', {}, t('rv.queues.none'))];
  out.push(
    h(
      'ul',
      { class: 'tiles rv-tiles', 'aria-label': t('rv.queues.title') },
      queues.map((q) =>
        h(
          'li',
          {},
          h(
            'a',
            { class: 'tile rv-tile', href: listHash({ queue: q.queue }), 'data-queue': q.queue },
            h('span', { class: 'label rv-tile-name' }, fmt.queue(q.queue)),
            h('span', { class: 'num' }, String(q.open + q.claimed)),
            h('span', { class: 'visually-hidden' }, t('rv.queues.total', { n: q.open + q.claimed })),
            h('span', { class: 'rv-tile-detail' }, t('rv.queues.detail', q)),
            q.overdue > 0
              ? h('span', { class: 'badge bad' }, t('rv.queues.overdue', { n: q.overdue }))
              : h('span', { class: 'badge ok' }, t('rv.queues.noOverdue')),
          ),
        ),
      ),
    ),
  );
  const overdue = queues.reduce((n, q) => n + q.overdue, 0);
  out.push(
    h(
      'ul',
      { class: 'rv-links' },
      h('li', {}, h('a', { href: listHash({ assignee: 'me' }) }, t('rv.queues.mine'))),
      overdue > 0
        ? h('li', {}, h('a', { href: listHash({ overdue: 'true' }) }, t('rv.queues.allOverdue')))
        : null,
    ),
  );
  return out;
});

/* ---------- #/tasks ---------- */

page('/tasks', STAFF, async ({ query, session: s }) => {
  const mine = queuesOf(s.role);
  const q = {
    queue: mine.includes(query.queue) ? query.queue : '',
    state: ['open', 'claimed'].includes(query.state) ? query.state : '',
    assignee: query.assignee === 'me' ? 'me' : '',
    overdue: query.overdue === 'true' ? 'true' : '',
    sort: query.sort === '-dueAt' ? '-dueAt' : '',
    page: Math.max(1, Number(query.page) || 1),
  };
  const form = h(
    'form',
    { class: 'card row rv-filters', 'aria-label': t('rv.list.filters') },
    field(
      t('rv.list.queue'),
      select('queue', [['', t('rv.list.allQueues')], ...mine.map((x) => [x, fmt.queue(x)])], q.queue),
    ),
    field(
      t('rv.list.state'),
      select(
        'state',
        [
          ['', t('rv.list.allStates')],
          ['open', t('rv.list.open')],
          ['claimed', t('rv.list.claimed')],
        ],
        q.state,
      ),
    ),
    field(
      t('rv.list.sort'),
      select(
        'sort',
        [
          ['', t('rv.list.sortOldest')],
          ['-dueAt', t('rv.list.sortNewest')],
        ],
        q.sort,
      ),
    ),
    h(
      'div',
      { class: 'field rv-checks' },
      h(
        'label',
        { class: 'rv-check' },
        h('input', { type: 'checkbox', name: 'assignee', value: 'me', checked: q.assignee === 'me' }),
        ' ',
        t('rv.list.mine'),
      ),
      h(
        'label',
        { class: 'rv-check' },
        h('input', { type: 'checkbox', name: 'overdue', value: 'true', checked: q.overdue === 'true' }),
        ' ',
        t('rv.list.overdueOnly'),
      ),
    ),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('rv.list.apply'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    location.hash = listHash({
      queue: String(fd.get('queue') ?? ''),
      state: String(fd.get('state') ?? ''),
      sort: String(fd.get('sort') ?? ''),
      assignee: fd.get('assignee') ? 'me' : '',
      overdue: fd.get('overdue') ? 'true' : '',
    });
  });

  const results = h('div', { 'aria-live': 'polite', class: 'rv-results' });
  const pageSize = 20;
  const params = new URLSearchParams({ page: String(q.page), pageSize: String(pageSize) });
  for (const k of ['queue', 'state', 'assignee', 'overdue']) if (q[k]) params.set(k, q[k]);
  if (q.sort) params.set('sort', q.sort);
  try {
    const res = await api.get(`/api/v1/tasks?${params}`);
    const pages = Math.max(1, Math.ceil(res.total / (res.pageSize || pageSize)));
    const sortName = t(q.sort === '-dueAt' ? 'rv.list.sortNewest' : 'rv.list.sortOldest');
    fill(
      results,
      res.items.length === 0
        ? h('p', {}, t('rv.list.none'))
        : [
            h('p', { class: 'muted' }, t('common.total', { total: res.total })),
            table(
              t('rv.list.caption', { sort: sortName }),
              [
                t('rv.list.application'),
                t('rv.list.enterprise'),
                t('rv.list.queue'),
                t('rv.list.taskState'),
                t('rv.list.due'),
              ],
              res.items.map((task) =>
                h(
                  'tr',
                  { 'data-task': task.id, class: task.overdue ? 'rv-overdue' : null },
                  cell(
                    t('rv.list.application'),
                    h('a', { href: `#/tasks/${enc(task.id)}`, class: 'rv-task-link' }, task.applicationId),
                  ),
                  cell(
                    t('rv.list.enterprise'),
                    task.enterpriseName ?? '—',
                    task.track ? h('span', { class: 'rv-sub muted' }, fmt.track(task.track)) : null,
                  ),
                  cell(t('rv.list.queue'), fmt.queue(task.queue)),
                  cell(t('rv.list.taskState'), stateBadge(task, s.subject)),
                  cell(
                    t('rv.list.due'),
                    h('time', { datetime: task.dueAt }, fmt.dateTime(task.dueAt)),
                    ' ',
                    overdueBadge(task),
                  ),
                ),
              ),
              { class: 'rv-task-table rv-stack' },
            ),
            pages > 1
              ? h(
                  'nav',
                  { class: 'pager', 'aria-label': t('common.page', { page: q.page, pages }) },
                  q.page > 1
                    ? h('a', { href: listHash({ ...q, page: q.page - 1 }) }, t('common.previous'))
                    : null,
                  h('span', {}, t('common.page', { page: q.page, pages })),
                  q.page < pages
                    ? h('a', { href: listHash({ ...q, page: q.page + 1 }) }, t('common.next'))
                    : null,
                )
              : null,
          ],
    );
  } catch (err) {
    fill(results, errorBox(err));
  }
  return [h('h1', {}, t('rv.list.title')), form, results];
});

/* ---------- #/tasks/:id ---------- */

function summaryCard(app, task, statusEl) {
  const rows = [
    [t('rv.task.enterprise'), app.enterpriseName],
    [t('rv.task.creditCode'), h('code', {}, app.creditCode)],
    [t('rv.task.track'), fmt.track(app.track)],
    [t('rv.task.status'), statusEl],
    [t('rv.task.reviewOrg'), app.reviewOrg ?? '—'],
    [t('rv.task.programYear'), app.programYear],
    [t('rv.task.submitted'), fmt.dateTime(app.createdAt)],
    [
      t('rv.task.taskState'),
      [
        fmt.queue(task.queue),
        ' · ',
        stateBadge(task, null),
        task.escalatedAt ? [' ', h('span', { class: 'badge bad' }, t('rv.escalated'))] : null,
      ],
    ],
    [
      t('rv.task.due'),
      [h('time', { datetime: task.dueAt }, fmt.dateTime(task.dueAt)), ' ', overdueBadge(task)],
    ],
  ];
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-summary-h' },
    h('h2', { id: 'rv-summary-h' }, t('rv.task.summary')),
    app.needsAttention && app.attentionReason
      ? h('p', { class: 'alert warn' }, t('rv.task.attention', { reason: app.attentionReason }))
      : null,
    h(
      'dl',
      { class: 'facts' },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
  );
}

function subsidyCard(app) {
  const s = app.subsidy ?? {};
  const body = [];
  if (s.computedFen === null || s.computedFen === undefined) {
    body.push(h('p', {}, t('rv.subsidy.pending')));
  } else {
    body.push(
      h(
        'p',
        { class: 'rv-formula', 'data-testid': 'formula' },
        h('span', {}, fmt.fen(s.baseFen)),
        ' × ',
        h('span', {}, fmt.bp(s.rateBp)),
        ' = ',
        h('strong', { class: 'rv-computed' }, fmt.fen(s.computedFen)),
      ),
      h('p', { class: 'muted rv-formula-note' }, t('rv.subsidy.formula')),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('rv.subsidy.base')),
        h('dd', {}, fmt.fen(s.baseFen)),
        h('dt', {}, t('rv.subsidy.rate')),
        h('dd', {}, fmt.bp(s.rateBp), ` (${s.rateBp ?? '—'} bp)`),
        h('dt', {}, t('rv.subsidy.computed')),
        h('dd', {}, fmt.fen(s.computedFen)),
        h('dt', {}, t('rv.subsidy.granted')),
        h(
          'dd',
          {},
          s.grantedFen === null || s.grantedFen === undefined
            ? t('rv.subsidy.notGranted')
            : fmt.fen(s.grantedFen),
        ),
        h('dt', {}, t('rv.subsidy.year')),
        h('dd', {}, s.subsidyYear ?? '—'),
        h('dt', {}, t('rv.subsidy.payee')),
        h('dd', {}, s.payee ? tOr(`rv.payee.${s.payee}`, s.payee) : '—'),
      ),
    );
  }
  const reasons = Array.isArray(s.reasons) ? s.reasons : [];
  body.push(h('h3', {}, t('rv.subsidy.reasons')));
  body.push(
    reasons.length === 0
      ? h('p', { class: 'muted' }, t('rv.subsidy.noReasons'))
      : h(
          'ul',
          { class: 'rv-reasons' },
          reasons.map((r) =>
            h(
              'li',
              { 'data-code': r.code },
              h(
                'span',
                { class: `badge ${r.blocking ? 'bad' : 'warn'}` },
                t(r.blocking ? 'rv.subsidy.blocking' : 'rv.subsidy.note'),
              ),
              ' ',
              h('span', {}, (lang() === 'en' ? r.en : r.zh) ?? r.zh ?? r.en ?? r.code),
              ' ',
              h('code', { class: 'muted rv-code' }, r.code),
            ),
          ),
        ),
  );
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-subsidy-h' },
    h('h2', { id: 'rv-subsidy-h' }, t('rv.subsidy.title')),
    body,
  );
}

/* Declared against verified facts. Each row: how to read the declared value and the verified one, how to
   show them, and how to compare (null declared = the applicant declares nothing of the kind). */
const fieldName = (f) => (f ? tOr(`rv.field.${f}`, f) : '—');
const sizeName = (s) => (s ? tOr(`rv.size.${s}`, s) : '—');
const yesNo = (b) => (b === null || b === undefined ? '—' : t(b ? 'common.yes' : 'common.no'));
const untilDate = (d) => (d ? fmt.date(d) : '—');
const srdiText = (x) =>
  x?.level ? t('rv.srdiUntil', { level: tOr(`rv.srdi.${x.level}`, x.level), to: x.validUntil ?? '—' }) : '—';
const highTechText = (x) => (x ? t('rv.highTech', { from: x.certifiedOn, to: x.validUntil }) : '—');
const plain = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));

const ENTERPRISE_ROWS = [
  { key: 'name', declared: (d) => d?.name, verified: (v) => v.name },
  { key: 'district', declared: (d) => d?.district, verified: (v) => v.district },
  { key: 'size', declared: (d) => d?.size, verified: (v) => v.size, show: sizeName },
  { key: 'mainField', declared: (d) => d?.mainField, verified: (v) => v.mainField, show: fieldName },
  { key: 'foundedOn', declared: (d) => d?.foundedOn, verified: (v) => v.foundedOn, show: untilDate },
  {
    key: 'techSme',
    declared: (d) => d?.techCertifiedUntil ?? null,
    verified: (v) => v.techSme?.validUntil ?? null,
    show: untilDate,
  },
  {
    key: 'srdi',
    declared: (d) => (d?.srdiLevel ? { level: d.srdiLevel, validUntil: d.srdiValidUntil ?? null } : null),
    verified: (v) => (v.srdi ? { level: v.srdi.level, validUntil: v.srdi.validUntil ?? null } : null),
    show: srdiText,
  },
  { key: 'streetOffice', verified: (v) => v.streetOffice },
  { key: 'staff', verified: (v) => v.staff },
  {
    key: 'revenueFen',
    verified: (v) => v.revenueFen,
    show: (x) => (x === null || x === undefined ? '—' : fmt.fen(x)),
  },
  { key: 'highTech', verified: (v) => v.highTech, show: highTechText },
  { key: 'creditClean', verified: (v) => v.creditClean, show: yesNo },
];

const POLICY_ROWS = [
  { key: 'holder', declared: (d, app) => app.creditCode, verified: (v) => v.creditCode },
  {
    key: 'insurer',
    declared: (d) => `${d.insurerCode} / ${d.policyNumber}`,
    verified: (v) => `${v.insurerCode} / ${v.policyNumber}`,
  },
  { key: 'productCode', declared: (d) => d.productCode, verified: (v) => v.productCode },
  { key: 'startDate', declared: (d) => d.startDate, verified: (v) => v.startDate, show: untilDate },
  { key: 'endDate', declared: (d) => d.endDate, verified: (v) => v.endDate, show: untilDate },
  { key: 'premiumFen', declared: (d) => d.premiumFen, verified: (v) => v.premiumFen, show: fmt.fen },
  {
    key: 'paidPremiumFen',
    declared: (d) => d.paidPremiumFen,
    verified: (v) => v.paidPremiumFen,
    show: fmt.fen,
  },
  {
    key: 'paidAt',
    declared: (d) => d.paidAt,
    verified: (v) => v.paidAt,
    show: (x) => fmt.dateTime(x),
    same: (a, b) => Date.parse(a) === Date.parse(b),
  },
  { key: 'sumInsuredFen', declared: (d) => d.sumInsuredFen, verified: (v) => v.sumInsuredFen, show: fmt.fen },
];

function compareTable(what, rows, declared, verified, app) {
  return table(
    t('rv.facts.caption', { what }),
    [t('rv.facts.item'), t('rv.facts.declared'), t('rv.facts.verified'), t('rv.facts.check')],
    rows.map((r) => {
      const show = r.show ?? plain;
      const v = verified ? r.verified(verified) : undefined;
      if (!r.declared) {
        return h(
          'tr',
          { 'data-fact': r.key },
          h('th', { scope: 'row' }, t(`rv.f.${r.key}`)),
          cellWith({ class: 'muted' }, t('rv.facts.declared'), '—'),
          cell(t('rv.facts.verified'), verified ? show(v) : '—'),
          cellWith({ class: 'muted' }, t('rv.facts.check'), t('rv.facts.onlyVerified')),
        );
      }
      const d = r.declared(declared, app);
      const comparable = verified !== null && declared !== null && declared !== undefined;
      const same =
        !comparable || (r.same ? r.same(d, v) : JSON.stringify(d ?? null) === JSON.stringify(v ?? null));
      return h(
        'tr',
        { 'data-fact': r.key, class: same ? null : 'rv-diff-row' },
        h('th', { scope: 'row' }, t(`rv.f.${r.key}`)),
        cellWith(
          { class: same ? null : 'diff' },
          t('rv.facts.declared'),
          declared === null || declared === undefined ? '—' : show(d),
        ),
        cellWith({ class: same ? null : 'diff' }, t('rv.facts.verified'), verified ? show(v) : '—'),
        cell(
          t('rv.facts.check'),
          !comparable
            ? '—'
            : same
              ? h('span', { class: 'muted' }, '✓ ', t('rv.facts.same'))
              : h('span', { class: 'badge bad' }, '≠ ', t('rv.facts.differs')),
        ),
      );
    }),
    { class: 'rv-compare rv-stack' },
  );
}

function factsCard(app, enterprise) {
  const vf = app.verifiedFacts;
  const body = [h('p', { class: 'muted' }, t('rv.facts.intro'))];
  if (!vf) {
    body.push(h('p', {}, t('rv.facts.pending')));
  } else {
    if (vf.enterpriseVerified === false)
      body.push(h('p', { class: 'alert warn' }, t('rv.facts.unverifiedEnterprise')));
    if (vf.policyVerified === false)
      body.push(h('p', { class: 'alert warn' }, t('rv.facts.unverifiedPolicy')));
  }
  body.push(
    h('h3', {}, t('rv.facts.enterprise')),
    compareTable(t('rv.facts.enterprise'), ENTERPRISE_ROWS, enterprise, vf?.enterprise ?? null, app),
    h('h3', {}, t('rv.facts.policy')),
    compareTable(t('rv.facts.policy'), POLICY_ROWS, app.policy, vf?.policy ?? null, app),
  );
  if (app.loanInterest) {
    body.push(
      h(
        'p',
        {},
        h('strong', {}, t('rv.f.loan'), '：'),
        t('rv.loan', {
          amount: fmt.fen(app.loanInterest.amountFen),
          months: app.loanInterest.termMonths,
          purpose: app.loanInterest.purpose,
        }),
      ),
    );
  }
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-facts-h' },
    h('h2', { id: 'rv-facts-h' }, t('rv.facts.title')),
    body,
  );
}

function documentsCard(app) {
  const viewer = h('div', { class: 'rv-viewer', 'aria-live': 'polite' });
  let url = null;
  const release = () => {
    if (url) URL.revokeObjectURL(url);
    url = null;
  };
  window.addEventListener('hashchange', release, { once: true });
  const close = () => {
    release();
    fill(viewer);
  };
  async function show(doc, button) {
    button.disabled = true;
    fill(viewer, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
    try {
      const blob = await api.blob(`/api/v1/documents/${enc(doc.id)}/content`);
      release();
      url = URL.createObjectURL(blob);
      const title = t('rv.docs.viewing', { type: docType(doc.type), name: doc.filename });
      const isImage = String(blob.type || doc.contentType).startsWith('image/');
      fill(
        viewer,
        h(
          'figure',
          { class: 'rv-figure', 'data-document': doc.id },
          h('figcaption', {}, h('h3', { id: 'rv-viewing' }, title)),
          isImage
            ? h('img', { class: 'doc-view', src: url, alt: `${docType(doc.type)} — ${doc.filename}` })
            : h('iframe', { class: 'doc-view', src: url, title }),
          h(
            'div',
            { class: 'actions' },
            h('a', { class: 'button secondary', href: url, download: doc.filename }, t('rv.docs.download')),
            h('button', { type: 'button', class: 'secondary', onclick: close }, t('rv.docs.close')),
          ),
        ),
      );
    } catch (err) {
      fill(viewer, errorBox(err));
    } finally {
      button.disabled = false;
    }
  }
  const docs = app.documents ?? [];
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-docs-h' },
    h('h2', { id: 'rv-docs-h' }, t('rv.docs.title')),
    docs.length === 0
      ? h('p', {}, t('rv.docs.none'))
      : table(
          t('rv.docs.title'),
          [
            t('rv.docs.type'),
            t('rv.docs.file'),
            { label: t('rv.docs.size'), num: true },
            t('rv.docs.uploaded'),
            t('rv.docs.view'),
          ],
          docs.map((d) => {
            const button = h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-label': t('rv.docs.viewLabel', { name: `${docType(d.type)} ${d.filename}` }),
              },
              t('rv.docs.view'),
            );
            button.addEventListener('click', () => void show(d, button));
            return h(
              'tr',
              { 'data-document': d.id },
              cell(t('rv.docs.type'), docType(d.type)),
              cell(
                t('rv.docs.file'),
                d.filename,
                h(
                  'span',
                  { class: 'rv-sub muted', title: t('rv.docs.sha', { sha: d.sha256 }) },
                  d.contentType,
                ),
              ),
              cellWith({ class: 'num' }, t('rv.docs.size'), bytes(d.size)),
              cell(t('rv.docs.uploaded'), fmt.dateTime(d.createdAt)),
              cellWith({ class: 'rv-cell-action' }, t('rv.docs.view'), button),
            );
          }),
          { class: 'rv-doc-table rv-stack' },
        ),
    viewer,
  );
}

function decisionsCard(app) {
  const list = app.decisions ?? [];
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-decisions-h' },
    h('h2', { id: 'rv-decisions-h' }, t('rv.decisions.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rv.decisions.none'))
      : table(
          t('rv.decisions.title'),
          [
            t('rv.decisions.at'),
            t('rv.decisions.queue'),
            t('rv.decisions.actor'),
            t('rv.decisions.decision'),
            t('rv.decisions.comment'),
          ],
          list.map((d) =>
            h(
              'tr',
              {},
              cell(t('rv.decisions.at'), h('time', { datetime: d.at }, fmt.dateTime(d.at))),
              cell(t('rv.decisions.queue'), fmt.queue(d.queue)),
              cell(t('rv.decisions.actor'), d.actor),
              cell(
                t('rv.decisions.decision'),
                h('strong', {}, decisionLabel(d.queue, d.decision)),
                d.reasonCode
                  ? h(
                      'span',
                      { class: 'rv-sub' },
                      t('rv.decisions.reason', { code: codeLabel(d.reasonCode) }),
                    )
                  : null,
              ),
              cell(
                t('rv.decisions.comment'),
                d.comment ? h('span', { class: 'rv-pre' }, d.comment) : null,
                d.appraisal
                  ? h(
                      'span',
                      { class: 'rv-sub' },
                      t('rv.decisions.appraisal', { grade: d.appraisal.grade, opinion: d.appraisal.opinion }),
                    )
                  : null,
                d.infoRequest?.message
                  ? h(
                      'span',
                      { class: 'rv-sub' },
                      t('rv.decisions.asked', { message: d.infoRequest.message }),
                    )
                  : null,
                !d.comment && !d.appraisal && !d.infoRequest?.message ? '—' : null,
              ),
            ),
          ),
          { class: 'rv-stack' },
        ),
  );
}

function timelineCard(app) {
  const items = app.timeline ?? [];
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-timeline-h' },
    h('h2', { id: 'rv-timeline-h' }, t('rv.timeline.title')),
    items.length === 0
      ? h('p', { class: 'muted' }, t('rv.timeline.none'))
      : h(
          'ol',
          { class: 'timeline' },
          items.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.at }, fmt.dateTime(e.at)),
              ' ',
              h('strong', {}, actionLabel(e.action)),
              ' · ',
              fmt.status(e.status),
              h('br'),
              h('span', { class: 'muted' }, t('rv.by', { who: e.actor, role: roleLabel(e.actorRole) })),
              e.note ? [' — ', h('span', { class: 'rv-pre' }, e.note)] : null,
            ),
          ),
        ),
  );
}

function objectionsCard(task) {
  const list = task.objections ?? [];
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-objections-h' },
    h('h2', { id: 'rv-objections-h' }, t('rv.objections.title')),
    list.length === 0
      ? h('p', {}, t('rv.objections.none'))
      : table(
          t('rv.objections.title'),
          [
            t('rv.objections.filedAt'),
            t('rv.objections.who'),
            t('rv.objections.reason'),
            t('rv.objections.outcome'),
          ],
          list.map((o) =>
            h(
              'tr',
              {},
              h('td', {}, fmt.dateTime(o.filedAt)),
              h('td', {}, o.name, h('span', { class: 'rv-sub muted' }, o.contact)),
              h('td', {}, h('span', { class: 'rv-pre' }, o.reason)),
              h(
                'td',
                {},
                o.outcome ? tOr(`rv.objections.${o.outcome}`, o.outcome) : t('rv.objections.pending'),
              ),
            ),
          ),
        ),
  );
}

function paymentsCard(app, enterprise) {
  const list = app.payments ?? [];
  const account = enterprise?.bankAccount;
  return h(
    'section',
    { class: 'card rv-card', 'aria-labelledby': 'rv-payments-h' },
    h('h2', { id: 'rv-payments-h' }, t('rv.payments.title')),
    account && app.subsidy?.payee === 'ENTERPRISE'
      ? h(
          'p',
          {},
          h('strong', {}, t('rv.payments.account'), '：'),
          `${account.bankName} · ${account.accountName} · ${account.accountNumber}`,
        )
      : null,
    list.length === 0
      ? h('p', { class: 'muted' }, t('common.none'))
      : table(
          t('rv.payments.title'),
          [
            t('rv.payments.attempt'),
            t('rv.payments.requestedAt'),
            { label: t('rv.payments.amount'), num: true },
            t('rv.payments.status'),
            t('rv.payments.failure'),
          ],
          list.map((p) =>
            h(
              'tr',
              {},
              h('td', {}, p.attempt),
              h('td', {}, fmt.dateTime(p.requestedAt)),
              h('td', { class: 'num' }, fmt.fen(p.amountFen)),
              h('td', {}, p.status),
              h('td', {}, p.failureReason ?? '—'),
            ),
          ),
        ),
  );
}

/** The decision form of a claimed task, per queue. */
function decisionForm(task, onDone) {
  const decisions = DECISIONS_OF[task.queue] ?? [];
  const expert = task.queue === 'expert-review';
  const reasonSel = select('reasonCode', [
    ['', t('rv.decision.noReason')],
    ...rejectCodes(task.queue).map((c) => [c, codeLabel(c)]),
  ]);
  const reasonBox = h(
    'div',
    { class: 'rv-when-reject', hidden: true },
    field(t('rv.decision.reasonCode'), reasonSel),
  );
  const infoInput = h('textarea', { name: 'infoRequest.message', rows: 3, maxlength: 2000 });
  const infoBox = h(
    'div',
    { class: 'rv-when-info', hidden: true },
    field(t('rv.decision.infoMessage'), infoInput, t('rv.decision.infoHint')),
  );
  const appraisal = expert
    ? h(
        'div',
        { class: 'rv-appraisal' },
        field(
          t('rv.decision.grade'),
          select(
            'appraisal.grade',
            [
              ['', '—'],
              ['A', 'A'],
              ['B', 'B'],
              ['C', 'C'],
            ],
            '',
            { required: true },
          ),
        ),
        field(
          t('rv.decision.opinion'),
          h('textarea', { name: 'appraisal.opinion', rows: 4, maxlength: 4000, required: true }),
        ),
      )
    : null;
  const radios = decisions.map((d) =>
    h(
      'label',
      { class: 'rv-radio' },
      h('input', { type: 'radio', name: 'decision', value: d, required: true }),
      ' ',
      decisionLabel(task.queue, d),
    ),
  );
  const form = h(
    'form',
    { class: 'rv-decision', 'aria-labelledby': 'rv-decision-h' },
    h('h3', { id: 'rv-decision-h', tabindex: '-1' }, t('rv.decision.title')),
    has(`rv.explain.${task.queue}`)
      ? h('p', { class: 'muted rv-queue-explain' }, t(`rv.explain.${task.queue}`))
      : null,
    h(
      'fieldset',
      { 'data-field': 'decision' },
      h('legend', {}, t('rv.decision.legend'), ' *'),
      h('div', { class: 'rv-radios' }, radios),
    ),
    reasonBox,
    infoBox,
    appraisal,
    field(
      t('rv.decision.comment'),
      h('textarea', { name: 'comment', rows: 3, maxlength: 2000 }),
      t('rv.decision.commentHint'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('rv.decision.submit'))),
  );
  form.addEventListener('change', (e) => {
    if (e.target.name !== 'decision') return;
    const d = e.target.value;
    reasonBox.hidden = d !== 'reject';
    infoBox.hidden = d !== 'request_info';
    infoInput.required = d === 'request_info';
  });
  const explain = h('div', { class: 'rv-explain-slot' });
  onSubmit(
    form,
    async (fd) => {
      fill(explain);
      const decision = String(fd.get('decision') ?? '');
      const body = { decision, comment: String(fd.get('comment') ?? '').trim() };
      const reasonCode = String(fd.get('reasonCode') ?? '');
      if (decision === 'reject' && reasonCode) body.reasonCode = reasonCode;
      if (decision === 'reject' && !reasonCode && !body.comment) {
        throw new ApiError(422, {
          error: {
            code: 'INVALID_DECISION',
            message: t('rv.decision.rejectNeedsReason'),
            details: [
              { path: 'body.reasonCode', message: t('rv.decision.rejectNeedsReason') },
              { path: 'body.comment', message: t('rv.decision.rejectNeedsReason') },
            ],
          },
        });
      }
      if (decision === 'request_info')
        body.infoRequest = { message: String(fd.get('infoRequest.message') ?? '').trim() };
      if (expert) {
        body.appraisal = {
          grade: String(fd.get('appraisal.grade') ?? ''),
          opinion: String(fd.get('appraisal.opinion') ?? '').trim(),
        };
      }
      try {
        return { decision, ...(await api.post(`/api/v1/tasks/${enc(task.id)}/decision`, body)) };
      } catch (err) {
        const key = `rv.err.${err?.code}`;
        if (err?.code && has(key))
          fill(explain, h('p', { class: 'alert warn rv-explain', 'data-code': err.code }, t(key)));
        throw err;
      }
    },
    onDone,
  );
  // The plain explanation goes above the server's message (onSubmit put its result box first).
  form.prepend(explain);
  return form;
}

function actionsCard(task, app, s, statusEls) {
  const card = h('section', { class: 'card rv-card rv-actions', 'aria-labelledby': 'rv-actions-h' });
  const decidedEarlier = (app.decisions ?? []).some(
    (d) => FOUR_EYES_QUEUES.includes(d.queue) && d.actor === s.subject,
  );

  async function refreshTask() {
    try {
      Object.assign(task, await api.get(`/api/v1/tasks/${enc(task.id)}`));
    } catch {
      /* keep what we know */
    }
  }

  function button(label, cls, run) {
    const b = h('button', { type: 'button', class: cls }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await run();
      } catch (err) {
        if (['ALREADY_CLAIMED', 'TASK_NOT_CURRENT', 'NOT_CLAIMED_BY_CALLER'].includes(err?.code))
          await refreshTask();
        draw(refusal(err), err?.code);
        card.querySelector('.rv-refusal')?.scrollIntoView?.({ block: 'nearest' });
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  const claimButton = () =>
    button(t('rv.actions.claim'), '', async () => {
      await api.post(`/api/v1/tasks/${enc(task.id)}/claim`);
      task.state = 'claimed';
      task.assignee = s.subject;
      draw(notice(t('rv.actions.claimedNow')));
      card.querySelector('#rv-decision-h')?.focus();
    });
  const unclaimButton = () =>
    button(t('rv.actions.unclaim'), 'secondary', async () => {
      await api.post(`/api/v1/tasks/${enc(task.id)}/unclaim`);
      task.state = 'open';
      task.assignee = null;
      draw(notice(t('rv.actions.unclaimedNow')));
    });

  function draw(message, refusedWith = null) {
    const parts = [
      h('h2', { id: 'rv-actions-h' }, t('rv.actions.title')),
      h('div', { 'aria-live': 'polite' }, message),
    ];
    const guarded = FOUR_EYES_GUARDED.includes(task.queue);
    const live = task.state === 'open' || task.state === 'claimed';
    if (live && guarded && decidedEarlier && refusedWith !== 'FOUR_EYES')
      parts.push(h('p', { class: 'alert warn' }, t('rv.actions.fourEyesWarn')));
    if (task.state === 'done') {
      parts.push(
        h(
          'p',
          {},
          t('rv.actions.done', {
            outcome: decisionLabel(task.queue, task.outcome),
            at: fmt.dateTime(task.completedAt),
          }),
        ),
      );
    } else if (task.state === 'cancelled') {
      parts.push(h('p', {}, t('rv.actions.cancelled')));
    } else if (task.queue === 'budget') {
      parts.push(h('p', {}, t('rv.actions.budget')));
    } else if (task.state === 'open' || !task.assignee) {
      parts.push(
        h('p', { class: 'muted' }, t('rv.actions.openHint')),
        h('div', { class: 'actions' }, claimButton()),
      );
    } else if (task.assignee !== s.subject) {
      parts.push(
        h('p', {}, t('rv.actions.claimedByOther', { who: task.assignee })),
        h(
          'div',
          { class: 'actions' },
          s.supervisor ? unclaimButton() : null,
          button(t('rv.actions.refresh'), 'secondary', async () => {
            await refreshTask();
            draw(null);
          }),
        ),
      );
    } else {
      parts.push(
        h('p', {}, t('rv.actions.claimedByMe')),
        h('div', { class: 'actions' }, unclaimButton()),
        decisionForm(task, (res) => {
          task.state = 'done';
          task.outcome = res.decision;
          task.completedAt = new Date().toISOString();
          for (const el of statusEls) fill(el, fmt.status(res.status));
          fill(
            card,
            h('h2', { id: 'rv-actions-h' }, t('rv.actions.title')),
            h(
              'div',
              { class: 'alert ok rv-done', role: 'status', 'data-status': res.status },
              t('rv.decision.done', {
                decision: decisionLabel(task.queue, res.decision),
                status: fmt.status(res.status),
              }),
            ),
            h(
              'p',
              { class: 'actions' },
              h('a', { class: 'button', href: listHash({ queue: task.queue }) }, t('rv.task.backToList')),
              h('a', { class: 'button secondary', href: '#/queues' }, t('rv.task.backToQueues')),
            ),
          );
          card.querySelector('.rv-done')?.setAttribute('tabindex', '-1');
          card.querySelector('.rv-done')?.focus();
        }),
      );
    }
    fill(card, parts);
  }
  draw(null);
  return card;
}

page('/tasks/:id', STAFF, async ({ params, session: s }) => {
  const task = await api.get(`/api/v1/tasks/${enc(params.id)}`);
  const app = await api.get(`/api/v1/applications/${enc(task.applicationId)}`);
  // The enterprise as its applicant declared it (with the bank account, in full for finance).
  const enterprise = await api.get(`/api/v1/enterprises/${enc(app.creditCode)}`).catch(() => null);
  const statusEls = [
    h('span', { class: 'badge', 'data-testid': 'application-status' }, fmt.status(app.status)),
    h('span', {}, fmt.status(app.status)),
  ];
  return [
    h(
      'p',
      { class: 'rv-back' },
      h('a', { href: listHash({ queue: task.queue }) }, '← ', t('rv.task.backToList')),
    ),
    h('h1', {}, t('rv.task.title', { queue: fmt.queue(task.queue), id: app.id })),
    h('p', { class: 'rv-lead' }, app.enterpriseName, ' · ', fmt.track(app.track), ' · ', statusEls[0]),
    h('div', { class: 'rv-top' }, summaryCard(app, task, statusEls[1]), actionsCard(task, app, s, statusEls)),
    subsidyCard(app),
    task.queue === 'objection-review' ? objectionsCard(task) : null,
    app.infoRequest
      ? h(
          'section',
          { class: 'card rv-card', 'aria-labelledby': 'rv-info-h' },
          h('h2', { id: 'rv-info-h' }, t('rv.info.title')),
          h(
            'p',
            {},
            t('rv.info.text', {
              message: app.infoRequest.message,
              deadline: fmt.dateTime(app.infoRequest.deadline),
            }),
          ),
        )
      : null,
    factsCard(app, enterprise),
    documentsCard(app),
    task.queue === 'payment-exception' || (app.payments ?? []).length ? paymentsCard(app, enterprise) : null,
    decisionsCard(app),
    timelineCard(app),
  ];
});
