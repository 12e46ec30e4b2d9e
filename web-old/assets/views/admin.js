// Administrator and finance pages: operations (stuck workflows, with retry and cancel), the yearly budget,
// the programme configuration, the product catalog, partner banks, staff, payment exceptions and the
// evaluation dashboard (实施效果评估) with its charts drawn here as inline SVG.
import { addMessages, lang, t } from '../i18n.js';
import {
  api,
  ApiError,
  errorBox,
  field,
  fill,
  fmt,
  go,
  h,
  navLink,
  notice,
  onSubmit,
  page,
  select,
  yuanToFen,
} from '../core.js';

const TRACKS = ['INCLUSIVE', 'SRDI', 'FRONTIER'];
const FIELDS = [
  'INTEGRATED_CIRCUIT',
  'COMMERCIAL_AEROSPACE',
  'ARTIFICIAL_INTELLIGENCE',
  'BIOMEDICINE',
  'NEW_GENERATION_IT',
  'INTELLIGENT_MANUFACTURING',
  'NEW_ENERGY',
  'NEW_MATERIALS',
  'OTHER',
];
const STUCK_KINDS = [
  'OVERDUE_TASK',
  'PAYMENT_FAILED',
  'ACTIVITY_RETRYING',
  'WORKFLOW_TASK_FAILING',
  'NEEDS_ATTENTION',
];
const STAFF_ROLES = ['reviewer', 'expert', 'approver', 'finance', 'admin'];
const CATEGORIES = ['R_AND_D', 'TRANSFER', 'OTHER'];
// The default first: a form reset returns to the first option.
const PRODUCT_KINDS = ['CATALOG', 'GROUP_INCLUSIVE'];
const SRDI_LEVELS = ['NATIONAL', 'MUNICIPAL'];
/** Statuses after which an application can no longer be cancelled. */
const FINAL_STATUSES = ['REJECTED', 'WITHDRAWN', 'CLOSED', 'PAID', 'TRACKING'];

addMessages({
  zh: {
    'nav.admin': '运维',
    'nav.budgets': '预算',
    'nav.payments': '拨付异常',
    'nav.dashboard': '评估',
    'adm.sections': '管理功能',
    'adm.nav.program': '项目配置',
    'adm.nav.catalog': '产品目录',
    'adm.nav.banks': '合作银行',
    'adm.nav.staff': '工作人员',
    'adm.year': '年度',
    'adm.show': '显示',
    'adm.yearPicker': '选择年度',
    'adm.invalid': '请更正标出的字段。',
    'adm.badYuan': '请输入金额（元），最多两位小数',
    'adm.badInt': '请输入整数',
    'adm.badPct': '请输入百分比，最多两位小数',
    'adm.badList': '请输入以逗号分隔的整数',
    'adm.yuan': '元',
    'adm.edit': '编辑',
    'adm.yes': '是',
    'adm.no': '否',
    'adm.newWindow': '（在新窗口打开）',
    'age.now': '不到 1 分钟',
    'age.minutes': '{m} 分钟',
    'age.hours': '{h} 小时 {m} 分钟',
    'age.days': '{d} 天 {h} 小时',
    // operations
    'ops.title': '运维：需要处理的流程',
    'ops.intro':
      '超期任务、拨付失败、反复失败的外部调用、出错的流程代码和自行标记的案件。每项操作都以您的名义和理由记入申请的办理记录。',
    'ops.kind': '类型',
    'ops.allKinds': '全部类型',
    'ops.filter': '筛选',
    'ops.application': '申请',
    'ops.status': '状态',
    'ops.reason': '原因',
    'ops.since': '开始于',
    'ops.age': '已持续 {age}',
    'ops.links': '链接',
    'ops.actions': '操作',
    'ops.temporal': '在 Temporal 中查看',
    'ops.none': '目前没有需要处理的流程。',
    'ops.summary': '共 {total} 项 · 检查了 {scanned} 个运行中的流程 · 生成于 {at}',
    'ops.truncated': '运行中的流程过多，本次只检查了一部分；列表可能不完整。',
    'ops.kindsHelp': '各类型的含义与处理办法',
    'ops.retry': '重试拨付',
    'ops.cancel': '撤销申请',
    'ops.retryTitle': '重试拨付：{id}',
    'ops.cancelTitle': '撤销申请：{id}',
    'ops.retryNote': '请先确认企业（或普惠型的保险公司）已更正收款账户。重试使用新的幂等键，不会重复付款。',
    'ops.cancelNote':
      '撤销后：关闭待办任务、撤下公示条目、释放预算占用，并将理由通知申请企业。申请最终为“未通过”。',
    'ops.actionReason': '理由（记入办理记录）',
    'ops.continue': '继续',
    'ops.confirmCancel': '确认撤销',
    'ops.confirmQuestion': '确定撤销申请 {id} 吗？此操作无法撤回。理由：{reason}',
    'ops.back': '返回修改',
    'ops.retried': '已重新发起拨付：{id}，当前状态：{status}。',
    'ops.cancelled': '已撤销申请 {id}，当前状态：{status}。',
    'ops.reload': '刷新列表',
    'ops.publishTitle': '公示',
    'ops.publishIntro': '立即发布已批准、待公示的申请（否则每个工作日 9:00 自动发布）。',
    'ops.publish': '立即发布公示',
    'ops.published': '已发布公示批次 {id}，共 {count} 项，公示期至 {endsAt}。',
    'ops.nothingToPublish': '没有待公示的申请。',
    'cal.missing':
      '尚未载入 {years} 年的官方节假日安排（国务院办公厅通知）：跨入该年的办理时限只按周一至周五计算。请在通知发布后通过 PUT /api/v1/admin/calendar/<年份> 载入。',
    'kind.OVERDUE_TASK': '任务超期',
    'kind.PAYMENT_FAILED': '拨付失败',
    'kind.ACTIVITY_RETRYING': '外部调用反复失败',
    'kind.WORKFLOW_TASK_FAILING': '流程代码出错',
    'kind.NEEDS_ATTENTION': '需要人工关注',
    'kindHelp.OVERDUE_TASK':
      '初审、评估、审批、预算或拨付异常任务已超过办理时限，已通知队列主管。系统不会自动作出决定：请队列主管指派办理人。',
    'kindHelp.PAYMENT_FAILED':
      '支付服务明确拒绝付款（如账户已销户、户名不符），拨付异常任务等待区财政局处理。账户更正后可重试拨付，或撤销申请。',
    'kindHelp.ACTIVITY_RETRYING':
      '对外部服务（登记系统、保险公司、支付、数据库、邮件）的调用多次失败，仍在自动重试。修复外部服务或配置后会自动恢复，申请本身无需处理。',
    'kindHelp.WORKFLOW_TASK_FAILING':
      '流程代码在该案件的历史上执行失败（通常是不兼容的部署）。案件已冻结，数据不会丢失：回滚或修复后重新部署。',
    'kindHelp.NEEDS_ATTENTION':
      '流程自行标记：例如预审时登记系统或保险公司不可用、事实未核验，或银行未按时答复贷款推荐。请阅读原因并人工核实。',
    // budgets
    'bud.title': '{year} 年度补贴预算',
    'bud.intro':
      '终审批准时占用预算，拨付后转为已支出；驳回、异议成立或撤销时释放。预算不足时申请在“等待预算”中排队，提高预算后按批准顺序继续。',
    'bud.total': '预算总额',
    'bud.reserved': '已占用',
    'bud.spent': '已支出',
    'bud.available': '可用',
    'bud.usage': '预算使用情况',
    'bud.usageDesc': '{name}：总额 {total}，已支出 {spent}，已占用 {reserved}，可用 {available}。',
    'bud.all': '全部',
    'bud.none': '{year} 年度尚未设置预算。',
    'bud.budget': '预算',
    'bud.form': '设置预算',
    'bud.totalField': '预算总额（元）',
    'bud.trackField': '{track} 分项预算（元，可不填）',
    'bud.trackHint': '分项预算不超过总额；留空表示不单独设置。',
    'bud.saved': '预算已保存。可用金额：{available}。',
    // program
    'prog.title': '{year} 年度项目配置',
    'prog.intro': '已提交的申请沿用提交时的配置快照；此处修改只影响之后提交的申请。',
    'prog.window': '申报期',
    'prog.opensAt': '开始时间（北京时间）',
    'prog.closesAt': '截止时间（北京时间）',
    'prog.fields': '领域',
    'prog.keyFields': '重点领域（普惠型）',
    'prog.frontierFields': '前沿领域（专属险）',
    'prog.inclusive': '普惠型综合科技保险',
    'prog.inclusiveStaffMax': '小微企业人数上限',
    'prog.inclusiveRevenueMaxFen': '小微企业营业收入上限（元）',
    'prog.inclusivePremiumCapFen': '每家企业每年保费补贴基数上限（元）',
    'prog.inclusiveMaxYears': '最多支持年数',
    'prog.srdi': '专精特新补贴比例（%）',
    'prog.rateHint': '不超过 50%',
    'prog.srdiAnnualCapFen': '专精特新每家企业每年补贴上限（元）',
    'prog.frontier': '集成电路/商业航天专属险',
    'prog.frontierRateBp': '补贴比例（%）',
    'prog.frontierAnnualCapFen': '每家企业每年补贴上限（元）',
    'prog.deadlines': '办理时限（工作日）',
    'prog.sla.initial': '初审',
    'prog.sla.expert': '专家评估',
    'prog.sla.final': '终审',
    'prog.noticeWorkingDays': '公示期',
    'prog.infoDeadlineWorkingDays': '补充材料期限',
    'prog.bankResponseWorkingDays': '银行答复期限',
    'prog.tracking': '跟踪评估',
    'prog.followUpMonths': '拨付后发送跟踪问卷的月份',
    'prog.followUpHint': '以逗号分隔，递增，例如 6, 12',
    'prog.renewalReminderDays': '保单到期前续保提醒（天）',
    'prog.bankMatchingTracks': '保贷联动适用类别',
    'prog.evaluation': '评估目标',
    'prog.highTechEnterpriseTotal': '全区国家高新技术企业总数',
    'prog.target.highTechCoveragePct': '高新技术企业覆盖率目标（%）',
    'prog.target.riskCoverageFen': '政策撬动风险保额目标（元）',
    'prog.targetRiskHint': '35 亿元 = 3,500,000,000 元',
    'prog.saved': '{year} 年度配置已保存。',
    'level.NATIONAL': '国家级“小巨人”',
    'level.MUNICIPAL': '市级专精特新',
    'cat.R_AND_D': '研发类',
    'cat.TRANSFER': '成果转化类',
    'cat.OTHER': '其他',
    'pkind.GROUP_INCLUSIVE': '普惠统保产品',
    'pkind.CATALOG': '目录产品',
    'adm.field.INTEGRATED_CIRCUIT': '集成电路',
    'adm.field.COMMERCIAL_AEROSPACE': '商业航天',
    'adm.field.ARTIFICIAL_INTELLIGENCE': '人工智能',
    'adm.field.BIOMEDICINE': '生物医药',
    'adm.field.NEW_GENERATION_IT': '新一代信息技术',
    'adm.field.INTELLIGENT_MANUFACTURING': '智能制造',
    'adm.field.NEW_ENERGY': '新能源',
    'adm.field.NEW_MATERIALS': '新材料',
    'adm.field.OTHER': '其他',
    // catalog
    'cata.title': '科技保险产品目录',
    'cata.productCode': '产品代码',
    'cata.insurerCode': '保险公司代码',
    'cata.name': '产品名称',
    'cata.kind': '类型',
    'cata.category': '类别',
    'cata.exclusiveFields': '专属领域',
    'cata.active': '有效期',
    'cata.activeFrom': '生效日期',
    'cata.activeTo': '失效日期（可不填）',
    'cata.open': '长期',
    'cata.none': '目录为空。',
    'cata.add': '添加产品',
    'cata.added': '已添加产品 {code}。',
    // banks
    'bank.title': '合作银行（保贷联动）',
    'bank.bankCode': '银行代码',
    'bank.name': '名称',
    'bank.contactEmail': '联系邮箱',
    'bank.tracks': '适用类别',
    'bank.amount': '贷款金额范围',
    'bank.minAmountFen': '最低金额（元）',
    'bank.maxAmountFen': '最高金额（元）',
    'bank.maxTermMonths': '最长期限（月）',
    'bank.term': '{n} 个月',
    'bank.active': '启用',
    'bank.form': '添加或修改银行',
    'bank.saved': '已保存银行 {code}。',
    'bank.none': '尚无合作银行。',
    // staff
    'staff.title': '工作人员',
    'staff.intro': '队列主管会收到超期任务的提醒邮件；用户名须与其令牌中的一致。',
    'staff.subject': '用户名',
    'staff.name': '姓名',
    'staff.email': '邮箱',
    'staff.role': '角色',
    'staff.org': '所属机构',
    'staff.orgHint': 'committee（管委会）或 street:街道名称（仅初审人员）；可不填',
    'staff.supervisor': '队列主管',
    'staff.active': '在职',
    'staff.updatedAt': '更新时间',
    'staff.form': '添加或修改工作人员',
    'staff.saved': '已保存 {subject}。',
    'staff.none': '尚无工作人员记录。',
    // payment exceptions
    'pay.title': '拨付异常',
    'pay.intro': '支付服务明确拒绝的付款。更正收款账户后在任务页批准（重新拨付），或驳回（撤销，释放预算）。',
    'pay.enterprise': '企业',
    'pay.amount': '金额',
    'pay.failure': '失败原因',
    'pay.attempt': '第 {n} 次拨付',
    'pay.task': '任务',
    'pay.due': '到期',
    'pay.overdue': '已超期',
    'pay.open': '待认领',
    'pay.claimed': '{who} 办理中',
    'pay.handle': '处理任务',
    'pay.none': '没有拨付异常任务。',
    'pay.reason.ACCOUNT_CLOSED': '账户已销户',
    'pay.reason.NAME_MISMATCH': '户名不符',
    'pay.reason.ACCOUNT_MISSING': '账户不存在',
    // dashboard
    'dash.title': '{year} 年度实施效果评估',
    'dash.intro': '按申请提交年度统计获批投保的申请；已拨付补贴按实际拨付日期所在年度统计。',
    'dash.newInsured': '新增投保企业',
    'dash.insuredEnterprises': '投保企业共 {n} 家，获批申请 {apps} 件',
    'dash.premium': '保费',
    'dash.growth': '同比 {pct}',
    'dash.noGrowth': '上年无保费，无法计算同比',
    'dash.risk': '风险保额',
    'dash.riskTarget': '目标 {target}',
    'dash.paid': '已拨付补贴',
    'dash.paidApps': '{n} 件申请',
    'dash.leverage': '财政资金杠杆',
    'dash.leverageValue': '{x} 倍',
    'dash.leverageNote': '风险保额 ÷ 已拨付补贴',
    'dash.noLeverage': '尚无拨付',
    'dash.highTech': '高新技术企业覆盖率',
    'dash.highTechOf': '{n} / {total} 家，目标 {target}',
    'dash.csv': '下载 CSV',
    'dash.csvDone': '已下载 evaluation-{year}.csv。',
    'dash.reportHtml': '评估报告（HTML）',
    'dash.reportPdf': '评估报告（PDF）',
    'dash.reportDone': '已下载 {file}。',
    'dash.monthly': '按月保费趋势',
    'dash.monthlyDesc': '{year} 年各月获批投保申请的保费，柱上标注环比增长率。全年保费 {total}。',
    'dash.month': '月份',
    'dash.monthLabel': '{m}月',
    'dash.newEnterprises': '新增企业',
    'dash.monthGrowth': '环比',
    'dash.coverage': '目标完成情况',
    'dash.coverageDesc':
      '高新技术企业覆盖率 {ht}（目标 {htTarget}，完成 {htDone}）；风险保额 {risk}（目标 {riskTarget}，完成 {riskDone}）。',
    'dash.metric': '指标',
    'dash.actual': '实际',
    'dash.target': '目标',
    'dash.achieved': '完成率',
    'dash.tracks': '按补贴类别',
    'dash.tracksDesc': '各类别的保费与已拨付补贴。',
    'dash.track': '类别',
    'dash.insuredApps': '获批申请',
    'dash.appsPaid': '已拨付申请',
    'dash.bank': '保贷联动结果',
    'dash.bankDesc':
      '推荐银行 {n} 次：获得授信 {granted}，银行拒绝 {declined}，逾期未答复 {expired}，待答复 {pending}；授信额度 {line}。',
    'dash.outcome': '结果',
    'dash.count': '次数',
    'dash.share': '占比',
    'dash.granted': '获得授信',
    'dash.declined': '银行拒绝',
    'dash.expired': '逾期未答复',
    'dash.pending': '待答复',
    'dash.referrals': '推荐合计',
    'dash.creditLine': '授信额度 {line}',
    'dash.byField': '按领域',
    'dash.field': '领域',
    'dash.surveys': '跟踪问卷',
    'dash.surveysSent': '已发送',
    'dash.surveysAnswered': '已回复',
    'dash.claimsFiled': '理赔申请次数',
    'dash.claimsPaid': '理赔金额',
    'dash.loans': '获得贷款',
    'dash.legendPremium': '保费',
    'dash.legendPaid': '已拨付补贴',
    'dash.dataTable': '数据表：{name}',
  },
  en: {
    'nav.admin': 'Operations',
    'nav.budgets': 'Budget',
    'nav.payments': 'Payment exceptions',
    'nav.dashboard': 'Evaluation',
    'adm.sections': 'Administration',
    'adm.nav.program': 'Programme',
    'adm.nav.catalog': 'Catalog',
    'adm.nav.banks': 'Partner banks',
    'adm.nav.staff': 'Staff',
    'adm.year': 'Year',
    'adm.show': 'Show',
    'adm.yearPicker': 'Choose the year',
    'adm.invalid': 'Please correct the marked fields.',
    'adm.badYuan': 'enter an amount in yuan, at most two decimals',
    'adm.badInt': 'enter a whole number',
    'adm.badPct': 'enter a percentage, at most two decimals',
    'adm.badList': 'enter whole numbers separated by commas',
    'adm.yuan': 'CNY',
    'adm.edit': 'Edit',
    'adm.yes': 'Yes',
    'adm.no': 'No',
    'adm.newWindow': ' (opens a new window)',
    'age.now': 'under a minute',
    'age.minutes': '{m} min',
    'age.hours': '{h} h {m} min',
    'age.days': '{d} d {h} h',
    'ops.title': 'Operations: workflows needing attention',
    'ops.intro':
      'Overdue tasks, failed payments, outside calls failing repeatedly, failing workflow code and flagged cases. Every action is recorded in the application’s timeline with your name and reason.',
    'ops.kind': 'Kind',
    'ops.allKinds': 'All kinds',
    'ops.filter': 'Filter',
    'ops.application': 'Application',
    'ops.status': 'Status',
    'ops.reason': 'Reason',
    'ops.since': 'Since',
    'ops.age': 'for {age}',
    'ops.links': 'Links',
    'ops.actions': 'Actions',
    'ops.temporal': 'Open in Temporal',
    'ops.none': 'Nothing needs attention right now.',
    'ops.summary': '{total} in all · {scanned} running workflows inspected · as of {at}',
    'ops.truncated': 'Too many running workflows: only some were inspected, the list may be incomplete.',
    'ops.kindsHelp': 'What each kind means and how to fix it',
    'ops.retry': 'Retry payment',
    'ops.cancel': 'Cancel application',
    'ops.retryTitle': 'Retry the payment of {id}',
    'ops.cancelTitle': 'Cancel {id}',
    'ops.retryNote':
      'First make sure the enterprise (or, for the inclusive track, the insurer) corrected the account. A retry has its own idempotency key: nothing is paid twice.',
    'ops.cancelNote':
      'Cancelling closes the open task, removes the public-notice entry, releases the budget reservation and tells the applicant the reason. The application ends as Rejected.',
    'ops.actionReason': 'Reason (recorded in the timeline)',
    'ops.continue': 'Continue',
    'ops.confirmCancel': 'Confirm cancellation',
    'ops.confirmQuestion': 'Cancel application {id}? This cannot be undone. Reason: {reason}',
    'ops.back': 'Change',
    'ops.retried': 'Payment of {id} requested again; status now: {status}.',
    'ops.cancelled': 'Application {id} cancelled; status now: {status}.',
    'ops.reload': 'Reload the list',
    'ops.publishTitle': 'Public notice',
    'ops.publishIntro':
      'Publish the approved applications waiting for the public notice now (otherwise every working day at 09:00).',
    'ops.publish': 'Publish notices now',
    'ops.published': 'Notice batch {id} published with {count} entries, open until {endsAt}.',
    'ops.nothingToPublish': 'Nothing was waiting to be published.',
    'cal.missing':
      'No official holiday calendar (the State Council’s notice) is loaded for {years}: deadlines reaching into it count Monday to Friday only. Load it with PUT /api/v1/admin/calendar/<year> once the notice is out.',
    'kind.OVERDUE_TASK': 'Overdue task',
    'kind.PAYMENT_FAILED': 'Payment failed',
    'kind.ACTIVITY_RETRYING': 'Outside call failing',
    'kind.WORKFLOW_TASK_FAILING': 'Workflow code failing',
    'kind.NEEDS_ATTENTION': 'Needs attention',
    'kindHelp.OVERDUE_TASK':
      'A review, approval, budget or payment-exception task is past its SLA; the queue’s supervisors were e-mailed. The system never decides by itself: the supervisor assigns it.',
    'kindHelp.PAYMENT_FAILED':
      'The payment service refused the payment definitively (closed account, wrong name); a payment-exception task waits for finance. Retry once the account is corrected, or cancel.',
    'kindHelp.ACTIVITY_RETRYING':
      'A call to an outside service (registry, insurer, payment, database, e-mail) keeps failing and is still retried. Fix the service or configuration; the case then resumes by itself.',
    'kindHelp.WORKFLOW_TASK_FAILING':
      'The workflow code fails on this case’s history (usually an incompatible deployment). The case is frozen, nothing is lost: roll back or fix and redeploy.',
    'kindHelp.NEEDS_ATTENTION':
      'The workflow flagged itself: facts unverified because the registry or insurer was unavailable, or banks that did not answer in time. Read the reason and check by hand.',
    'bud.title': 'Subsidy budget {year}',
    'bud.intro':
      'Final approval reserves the grant, payment turns it into spent; rejection, an upheld objection or cancellation releases it. When the budget cannot cover a grant the application waits (Awaiting budget) and resumes in approval order once the budget is raised.',
    'bud.total': 'Total',
    'bud.reserved': 'Reserved',
    'bud.spent': 'Spent',
    'bud.available': 'Available',
    'bud.usage': 'Budget use',
    'bud.usageDesc': '{name}: total {total}, spent {spent}, reserved {reserved}, available {available}.',
    'bud.all': 'All tracks',
    'bud.none': 'No budget has been set for {year}.',
    'bud.budget': 'Budget',
    'bud.form': 'Set the budget',
    'bud.totalField': 'Total (CNY)',
    'bud.trackField': '{track} sub-budget (CNY, optional)',
    'bud.trackHint': 'At most the total; leave empty for no separate sub-budget.',
    'bud.saved': 'Budget saved. Available: {available}.',
    'prog.title': 'Programme configuration {year}',
    'prog.intro':
      'Submitted applications keep the configuration they were submitted under; changes here apply to later applications.',
    'prog.window': 'Application window',
    'prog.opensAt': 'Opens (Beijing time)',
    'prog.closesAt': 'Closes (Beijing time)',
    'prog.fields': 'Fields',
    'prog.keyFields': 'Key fields (inclusive track)',
    'prog.frontierFields': 'Frontier fields (exclusive products)',
    'prog.inclusive': 'Inclusive group insurance',
    'prog.inclusiveStaffMax': 'Staff limit of small/micro firms',
    'prog.inclusiveRevenueMaxFen': 'Revenue limit of small/micro firms (CNY)',
    'prog.inclusivePremiumCapFen': 'Premium base cap per enterprise and year (CNY)',
    'prog.inclusiveMaxYears': 'Years supported at most',
    'prog.srdi': 'SRDI subsidy rates (%)',
    'prog.rateHint': 'at most 50 %',
    'prog.srdiAnnualCapFen': 'SRDI cap per enterprise and year (CNY)',
    'prog.frontier': 'IC / commercial aerospace',
    'prog.frontierRateBp': 'Subsidy rate (%)',
    'prog.frontierAnnualCapFen': 'Cap per enterprise and year (CNY)',
    'prog.deadlines': 'Deadlines (working days)',
    'prog.sla.initial': 'Initial review',
    'prog.sla.expert': 'Expert review',
    'prog.sla.final': 'Final approval',
    'prog.noticeWorkingDays': 'Public notice',
    'prog.infoDeadlineWorkingDays': 'Supplying information',
    'prog.bankResponseWorkingDays': 'Bank answers',
    'prog.tracking': 'Follow-up',
    'prog.followUpMonths': 'Months after payment for follow-up surveys',
    'prog.followUpHint': 'comma-separated, increasing, e.g. 6, 12',
    'prog.renewalReminderDays': 'Renewal reminder before the policy ends (days)',
    'prog.bankMatchingTracks': 'Tracks with bank matching',
    'prog.evaluation': 'Evaluation targets',
    'prog.highTechEnterpriseTotal': 'National high-tech enterprises in the district',
    'prog.target.highTechCoveragePct': 'High-tech coverage target (%)',
    'prog.target.riskCoverageFen': 'Risk coverage target (CNY)',
    'prog.targetRiskHint': '3.5 billion CNY = 3,500,000,000',
    'prog.saved': 'Configuration {year} saved.',
    'level.NATIONAL': 'National “little giant”',
    'level.MUNICIPAL': 'Municipal SRDI',
    'cat.R_AND_D': 'R&D',
    'cat.TRANSFER': 'Technology transfer',
    'cat.OTHER': 'Other',
    'pkind.GROUP_INCLUSIVE': 'Group inclusive product',
    'pkind.CATALOG': 'Catalog product',
    'adm.field.INTEGRATED_CIRCUIT': 'Integrated circuits',
    'adm.field.COMMERCIAL_AEROSPACE': 'Commercial aerospace',
    'adm.field.ARTIFICIAL_INTELLIGENCE': 'Artificial intelligence',
    'adm.field.BIOMEDICINE': 'Biomedicine',
    'adm.field.NEW_GENERATION_IT': 'New-generation IT',
    'adm.field.INTELLIGENT_MANUFACTURING': 'Intelligent manufacturing',
    'adm.field.NEW_ENERGY': 'New energy',
    'adm.field.NEW_MATERIALS': 'New materials',
    'adm.field.OTHER': 'Other',
    'cata.title': 'Technology-insurance product catalog',
    'cata.productCode': 'Product code',
    'cata.insurerCode': 'Insurer code',
    'cata.name': 'Name',
    'cata.kind': 'Kind',
    'cata.category': 'Category',
    'cata.exclusiveFields': 'Exclusive to',
    'cata.active': 'Active',
    'cata.activeFrom': 'Active from',
    'cata.activeTo': 'Active until (optional)',
    'cata.open': 'open-ended',
    'cata.none': 'The catalog is empty.',
    'cata.add': 'Add a product',
    'cata.added': 'Product {code} added.',
    'bank.title': 'Partner banks (loan hand-off)',
    'bank.bankCode': 'Bank code',
    'bank.name': 'Name',
    'bank.contactEmail': 'Contact e-mail',
    'bank.tracks': 'Tracks',
    'bank.amount': 'Loan amounts',
    'bank.minAmountFen': 'Minimum (CNY)',
    'bank.maxAmountFen': 'Maximum (CNY)',
    'bank.maxTermMonths': 'Longest term (months)',
    'bank.term': '{n} months',
    'bank.active': 'Active',
    'bank.form': 'Add or change a bank',
    'bank.saved': 'Bank {code} saved.',
    'bank.none': 'No partner banks yet.',
    'staff.title': 'Staff',
    'staff.intro':
      'Queue supervisors are e-mailed about overdue tasks; the user name must be the one in their tokens.',
    'staff.subject': 'User name',
    'staff.name': 'Name',
    'staff.email': 'E-mail',
    'staff.role': 'Role',
    'staff.org': 'Organisation',
    'staff.orgHint': 'committee, or street:<office> (reviewers only); optional',
    'staff.supervisor': 'Queue supervisor',
    'staff.active': 'Active',
    'staff.updatedAt': 'Updated',
    'staff.form': 'Add or change a member of staff',
    'staff.saved': '{subject} saved.',
    'staff.none': 'No staff recorded yet.',
    'pay.title': 'Payment exceptions',
    'pay.intro':
      'Payments the payment service refused definitively. Once the account is corrected approve the task (pay again), or reject it (cancel, releasing the budget).',
    'pay.enterprise': 'Enterprise',
    'pay.amount': 'Amount',
    'pay.failure': 'Failure',
    'pay.attempt': 'attempt {n}',
    'pay.task': 'Task',
    'pay.due': 'Due',
    'pay.overdue': 'overdue',
    'pay.open': 'unclaimed',
    'pay.claimed': 'with {who}',
    'pay.handle': 'Open the task',
    'pay.none': 'No payment exceptions.',
    'pay.reason.ACCOUNT_CLOSED': 'account closed',
    'pay.reason.NAME_MISMATCH': 'account name does not match',
    'pay.reason.ACCOUNT_MISSING': 'no such account',
    'dash.title': 'Programme evaluation {year}',
    'dash.intro':
      'Approved (insured) applications count in the year they were submitted; subsidies paid in the year the money was paid.',
    'dash.newInsured': 'New insured enterprises',
    'dash.insuredEnterprises': '{n} insured enterprises, {apps} approved applications',
    'dash.premium': 'Premium',
    'dash.growth': '{pct} on the year before',
    'dash.noGrowth': 'no premium the year before',
    'dash.risk': 'Risk coverage',
    'dash.riskTarget': 'target {target}',
    'dash.paid': 'Subsidies paid',
    'dash.paidApps': '{n} applications',
    'dash.leverage': 'Leverage',
    'dash.leverageValue': '{x}×',
    'dash.leverageNote': 'risk coverage ÷ subsidies paid',
    'dash.noLeverage': 'nothing paid yet',
    'dash.highTech': 'High-tech coverage',
    'dash.highTechOf': '{n} of {total}, target {target}',
    'dash.csv': 'Download CSV',
    'dash.csvDone': 'evaluation-{year}.csv downloaded.',
    'dash.reportHtml': 'Report (HTML)',
    'dash.reportPdf': 'Report (PDF)',
    'dash.reportDone': '{file} downloaded.',
    'dash.monthly': 'Premium by month',
    'dash.monthlyDesc':
      'Premium of the approved applications submitted in each month of {year}, with the growth on the month before above each bar. Premium of the year: {total}.',
    'dash.month': 'Month',
    'dash.monthLabel': '{m}',
    'dash.newEnterprises': 'New enterprises',
    'dash.monthGrowth': 'Growth',
    'dash.coverage': 'Progress towards the targets',
    'dash.coverageDesc':
      'High-tech coverage {ht} (target {htTarget}, {htDone} achieved); risk coverage {risk} (target {riskTarget}, {riskDone} achieved).',
    'dash.metric': 'Figure',
    'dash.actual': 'Actual',
    'dash.target': 'Target',
    'dash.achieved': 'Achieved',
    'dash.tracks': 'By track',
    'dash.tracksDesc': 'Premium and subsidies paid of each track.',
    'dash.track': 'Track',
    'dash.insuredApps': 'Approved applications',
    'dash.appsPaid': 'Applications paid',
    'dash.bank': 'Bank matching outcomes',
    'dash.bankDesc':
      '{n} referrals: {granted} granted, {declined} declined, {expired} unanswered in time, {pending} pending; credit lines {line}.',
    'dash.outcome': 'Outcome',
    'dash.count': 'Count',
    'dash.share': 'Share',
    'dash.granted': 'Granted',
    'dash.declined': 'Declined',
    'dash.expired': 'Expired',
    'dash.pending': 'Pending',
    'dash.referrals': 'All referrals',
    'dash.creditLine': 'credit lines {line}',
    'dash.byField': 'By field',
    'dash.field': 'Field',
    'dash.surveys': 'Follow-up surveys',
    'dash.surveysSent': 'Sent',
    'dash.surveysAnswered': 'Answered',
    'dash.claimsFiled': 'Claims filed',
    'dash.claimsPaid': 'Claims paid',
    'dash.loans': 'Loans obtained',
    'dash.legendPremium': 'Premium',
    'dash.legendPaid': 'Subsidies paid',
    'dash.dataTable': 'Data: {name}',
  },
});

navLink(['admin'], '#/admin', 'nav.admin');
navLink(['admin', 'finance'], '#/admin/budgets', 'nav.budgets');
navLink(['finance', 'admin'], '#/payments', 'nav.payments');
navLink(['admin', 'finance', 'approver'], '#/dashboard', 'nav.dashboard');

/* ---------- shared helpers ---------- */

/** The administration pages, shown as a second navigation row on each of them. */
const SECTIONS = [
  ['#/admin', 'nav.admin', ['admin']],
  ['#/admin/budgets', 'nav.budgets', ['admin', 'finance']],
  ['#/admin/program', 'adm.nav.program', ['admin']],
  ['#/admin/catalog', 'adm.nav.catalog', ['admin']],
  ['#/admin/banks', 'adm.nav.banks', ['admin']],
  ['#/admin/campaigns', 'camp.nav', ['admin']],
  ['#/admin/staff', 'adm.nav.staff', ['admin']],
  ['#/payments', 'nav.payments', ['admin', 'finance']],
  ['#/dashboard', 'nav.dashboard', ['admin', 'finance', 'approver']],
];

function subnav(session, current) {
  const mine = SECTIONS.filter(([, , roles]) => roles.includes(session?.role));
  if (mine.length < 2) return null;
  return h(
    'nav',
    { class: 'subnav', 'aria-label': t('adm.sections') },
    h(
      'ul',
      {},
      mine.map(([hash, key]) =>
        h('li', {}, h('a', { href: hash, 'aria-current': hash === current ? 'page' : null }, t(key))),
      ),
    ),
  );
}

const thisYear = () =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

function yearOf(query) {
  const y = Number(query.year);
  return Number.isInteger(y) && y >= 2020 && y <= 2100 ? y : thisYear();
}

/** A year selector (2020 to five years ahead, and the year shown) that navigates to `base?year=`. */
function yearPicker(base, year) {
  const now = thisYear();
  const years = [];
  for (let y = Math.max(now + 5, year); y >= Math.min(2020, year); y--) years.push([y, String(y)]);
  const form = h(
    'form',
    { class: 'row year-picker', 'aria-label': t('adm.yearPicker') },
    field(t('adm.year'), select('year', years, year)),
    h(
      'div',
      { class: 'field button-field' },
      h('button', { type: 'submit', class: 'secondary' }, t('adm.show')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`${base}?year=${encodeURIComponent(String(new FormData(form).get('year')))}`);
  });
  return form;
}

/** A data table: `cols` = [{label, num?}], the first cell of each row is its header. */
function dataTable({ caption, captionHidden = false, cols, rows, foot }) {
  const cell = (c, i) =>
    i === 0
      ? h('th', { scope: 'row' }, c)
      : h('td', { class: cols[i]?.num ? 'num' : null }, c === null || c === undefined ? '—' : c);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) => cell(c, i)),
          ),
        ),
      ),
      foot
        ? h(
            'tfoot',
            {},
            h(
              'tr',
              {},
              foot.map((c, i) => cell(c, i)),
            ),
          )
        : null,
    ),
  );
}

const yesNo = (b) => t(b ? 'adm.yes' : 'adm.no');

/** Integer fen as a yuan amount for an input: 250000 → "2500", 12345 → "123.45". */
function fenToYuanInput(fen) {
  if (fen === null || fen === undefined) return '';
  const cents = fen % 100;
  return cents === 0
    ? String(Math.trunc(fen / 100))
    : `${Math.trunc(fen / 100)}.${String(cents).padStart(2, '0')}`;
}

/** Basis points as a percentage for an input: 5000 → "50", 3333 → "33.33". */
const bpToPctInput = (bp) => (bp === null || bp === undefined ? '' : String(bp / 100));

const numberLocale = () => (lang() === 'zh' ? 'zh-CN' : 'en-US');

/** A number as the reader's locale writes it, with at most `digits` decimals. */
const num = (n, digits = 2) =>
  n === null || n === undefined
    ? '—'
    : Number(n).toLocaleString(numberLocale(), { maximumFractionDigits: digits });

const pct = (n) => (n === null || n === undefined ? '—' : `${num(n)}%`);
const signedPct = (n) => (n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${num(n, 1)}%`);

/** Yuan in a compact form for chart axes: ¥1.2万 / ¥12K. */
const compactFen = (fen) =>
  `¥${(fen / 100).toLocaleString(numberLocale(), { notation: 'compact', maximumFractionDigits: 1 })}`;

/** A duration in human terms. */
function age(seconds) {
  const m = Math.floor(seconds / 60);
  const hr = Math.floor(m / 60);
  const d = Math.floor(hr / 24);
  if (d >= 1) return t('age.days', { d, h: hr % 24 });
  if (hr >= 1) return t('age.hours', { h: hr, m: m % 60 });
  if (m >= 1) return t('age.minutes', { m });
  return t('age.now');
}

/** A refusal built in the browser, shaped like the server's 400 (so fields are marked the same way). */
const invalid = (details) =>
  new ApiError(400, { error: { code: 'VALIDATION_FAILED', message: t('adm.invalid'), details } });

/** The element of a form a detail path (`body.a.b.0`) is about: the longest matching `data-field`. */
function fieldFor(form, path) {
  const parts = String(path ?? '')
    .split('.')
    .slice(1);
  while (parts.length) {
    const el = form.querySelector(`[data-field="${CSS.escape(parts.join('.'))}"]`);
    if (el) return el;
    parts.pop();
  }
  return null;
}

function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-describedby]').forEach((el) => {
    const ids = el
      .getAttribute('aria-describedby')
      .split(/\s+/)
      .filter((id) => id && !id.endsWith('-err'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  });
}

let errSeq = 0;
/** Puts each refused field's message next to it (and in its description), besides the box above the form. */
function showFieldErrors(form, err) {
  for (const d of err?.details ?? []) {
    const el = fieldFor(form, d.path);
    if (!el) continue;
    const id = `ferr${++errSeq}-err`;
    const msg = h('small', { class: 'field-error', id }, d.message);
    if (el.tagName === 'FIELDSET') el.append(msg);
    else el.after(msg);
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', [el.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  }
}

/** Wires a form like onSubmit, with the refused fields' messages shown on the fields. */
function wireForm(form, action, done) {
  return onSubmit(
    form,
    async (fd, submitter) => {
      clearFieldErrors(form);
      try {
        return await action(fd, submitter);
      } catch (err) {
        showFieldErrors(form, err);
        throw err;
      }
    },
    done,
  );
}

/** Reads typed values of a form, collecting what cannot be read as the server would report it. */
function reader(fd) {
  const errors = [];
  const raw = (name) => String(fd.get(name) ?? '').trim();
  const bad = (name, key) => errors.push({ path: `body.${name}`, message: t(key) });
  return {
    errors,
    text: (name) => raw(name),
    optionalText: (name) => raw(name) || undefined,
    money(name, { optional = false } = {}) {
      const s = raw(name);
      if (!s && optional) return undefined;
      const fen = yuanToFen(s);
      if (fen === null) bad(name, 'adm.badYuan');
      return fen ?? 0;
    },
    int(name) {
      const s = raw(name);
      const n = Number(s);
      if (!s || !Number.isInteger(n)) bad(name, 'adm.badInt');
      return n;
    },
    /** A percentage typed with at most two decimals, as basis points. */
    bp(name) {
      const s = raw(name);
      const n = Number(s);
      if (!s || !Number.isFinite(n) || Math.abs(n * 100 - Math.round(n * 100)) > 1e-6)
        bad(name, 'adm.badPct');
      return Math.round(n * 100);
    },
    pct(name) {
      const s = raw(name);
      const n = Number(s);
      if (!s || !Number.isFinite(n)) bad(name, 'adm.badPct');
      return n;
    },
    intList(name) {
      const parts = raw(name)
        .split(/[,，\s]+/)
        .filter(Boolean);
      const list = parts.map(Number);
      if (!parts.length || list.some((n) => !Number.isInteger(n))) bad(name, 'adm.badList');
      return list;
    },
    all: (name) => fd.getAll(name).map(String),
    checked: (name) => fd.get(name) === 'on',
  };
}

/** A group of checkboxes named `name`, as a fieldset the server's refusals can point at. */
function checkboxes(name, legend, options, chosen) {
  return h(
    'fieldset',
    { class: 'checks', 'data-field': name },
    h('legend', {}, legend),
    options.map(([value, label]) =>
      h(
        'label',
        { class: 'check-option' },
        h('input', { type: 'checkbox', name, value, checked: chosen.includes(value) }),
        ' ',
        label,
      ),
    ),
  );
}

const checkbox = (name, label, checked) =>
  h(
    'div',
    { class: 'field check', 'data-field': name },
    h('label', {}, h('input', { type: 'checkbox', name, checked }), ' ', label),
  );

const moneyInput = (name, fen, props = {}) =>
  h('input', { name, inputmode: 'decimal', autocomplete: 'off', value: fenToYuanInput(fen), ...props });

const intInput = (name, value, props = {}) =>
  h('input', { name, type: 'number', step: 1, value: value ?? '', ...props });

const pctInput = (name, bp, props = {}) =>
  h('input', { name, type: 'number', step: 0.01, min: 0, value: bpToPctInput(bp), ...props });

const fieldName = (f) => t(`adm.field.${f}`);

/** An ISO instant as Beijing wall time for a datetime-local input. */
function toLocalInput(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
}

/** A datetime-local value (Beijing time) as an ISO instant with its offset. */
function fromLocalInput(v) {
  if (!v) return '';
  return `${v.length === 16 ? `${v}:00` : v}+08:00`;
}

/* ---------- SVG charts ---------- */

const SVG_NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let chartSeq = 0;
/** An accessible chart: role img, named by its <title> and described by its <desc>. */
function chart({ title, desc, width, height, cls = '' }, ...content) {
  const id = `chart${++chartSeq}`;
  return s(
    'svg',
    {
      class: `chart ${cls}`.trim(),
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      'data-chart': cls || null,
    },
    s('title', { id: `${id}-title` }, title),
    s('desc', { id: `${id}-desc` }, desc),
    content,
  );
}

/** A round upper bound for an axis: 1, 2 or 5 × 10^k. */
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A horizontal bar from 0 to `share` (0..1) of `width`, over a track of the full width. */
function hbar({ x, y, width, height, share, cls, label }) {
  const w = Math.max(0, Math.min(1, share)) * width;
  return s(
    'g',
    {},
    s('rect', { x, y, width, height, class: 'bar-track', rx: 3 }),
    w > 0 ? s('rect', { x, y, width: w, height, class: `bar ${cls}`, rx: 3 }, s('title', {}, label)) : null,
  );
}

/* ---------- #/admin: operations ---------- */

function actionPanel(item, action, slot, reload) {
  const id = item.applicationId;
  const cancel = action === 'cancel';
  let confirming = false;
  const reason = h('textarea', { name: 'reason', required: true, rows: 3, maxlength: 2000 });
  const confirmBox = h('div', { class: 'confirm', 'aria-live': 'polite' });
  const primary = h(
    'button',
    { type: 'submit', class: cancel ? 'danger' : null },
    t(cancel ? 'ops.continue' : 'ops.retry'),
  );
  const back = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      hidden: true,
      onclick: () => {
        confirming = false;
        reason.readOnly = false;
        back.hidden = true;
        primary.textContent = t('ops.continue');
        fill(confirmBox);
        reason.focus();
      },
    },
    t('ops.back'),
  );
  const form = h(
    'form',
    { class: 'action-form', 'aria-label': t(cancel ? 'ops.cancelTitle' : 'ops.retryTitle', { id }) },
    h('h3', {}, t(cancel ? 'ops.cancelTitle' : 'ops.retryTitle', { id })),
    h('p', { class: 'muted' }, t(cancel ? 'ops.cancelNote' : 'ops.retryNote')),
    field(t('ops.actionReason'), reason),
    confirmBox,
    h(
      'div',
      { class: 'actions' },
      primary,
      back,
      h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('common.cancel')),
    ),
  );
  const close = () => {
    fill(slot.cell);
    slot.row.hidden = true;
  };
  return wireForm(
    form,
    async (fd) => {
      const text = String(fd.get('reason') ?? '').trim();
      if (!text) throw invalid([{ path: 'body.reason', message: t('common.required') }]);
      if (cancel && !confirming) {
        // The confirm step: the reason is shown back and the button now does it.
        confirming = true;
        reason.readOnly = true;
        back.hidden = false;
        primary.textContent = t('ops.confirmCancel');
        fill(
          confirmBox,
          h('p', { class: 'alert warn', role: 'alert' }, t('ops.confirmQuestion', { id, reason: text })),
        );
        setTimeout(() => primary.focus(), 0); // once onSubmit has enabled the buttons again
        return null;
      }
      return api.post(`/api/v1/admin/applications/${encodeURIComponent(id)}/${action}`, { reason: text });
    },
    (res) => {
      if (!res) return;
      fill(
        slot.cell,
        notice(t(cancel ? 'ops.cancelled' : 'ops.retried', { id: res.id, status: fmt.status(res.status) })),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: reload }, t('ops.reload')),
        ),
      );
    },
  );
}

function stuckRow(item, reload) {
  const cell = h('td', { colspan: 7 });
  const slot = { row: h('tr', { class: 'action-row', hidden: true }, cell), cell };
  const open = (action) => {
    fill(cell, actionPanel(item, action, slot, reload));
    slot.row.hidden = false;
    cell.querySelector('textarea')?.focus();
  };
  const id = item.applicationId;
  const canRetry = id && item.kind === 'PAYMENT_FAILED';
  const canCancel = id && !FINAL_STATUSES.includes(item.status);
  const row = h(
    'tr',
    { 'data-kind': item.kind, 'data-application': id ?? '' },
    h(
      'td',
      {},
      h(
        'span',
        {
          class: `badge ${item.kind === 'PAYMENT_FAILED' || item.kind === 'WORKFLOW_TASK_FAILING' ? 'bad' : 'warn'}`,
        },
        t(`kind.${item.kind}`),
      ),
      h('small', { class: 'kind-help muted' }, t(`kindHelp.${item.kind}`)),
    ),
    h(
      'th',
      { scope: 'row' },
      id ? h('a', { href: `#/applications/${encodeURIComponent(id)}` }, id) : h('code', {}, item.workflowId),
    ),
    h('td', { class: 'status' }, item.status ? fmt.status(item.status) : '—'),
    h(
      'td',
      { class: 'reason' },
      h('span', { lang: 'en' }, item.reason),
      item.activity?.lastFailure
        ? h(
            'small',
            { class: 'muted', lang: 'en' },
            `${item.activity.type} #${item.activity.attempt}: ${item.activity.lastFailure}`,
          )
        : null,
    ),
    h(
      'td',
      {},
      h('time', { datetime: item.since }, fmt.dateTime(item.since)),
      h('small', { class: 'muted' }, t('ops.age', { age: age(item.ageSeconds) })),
    ),
    h(
      'td',
      {},
      h(
        'a',
        { href: item.temporalUrl, target: '_blank', rel: 'noopener' },
        t('ops.temporal'),
        h('span', { class: 'visually-hidden' }, t('adm.newWindow')),
      ),
    ),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'row-actions' },
        canRetry
          ? h(
              'button',
              {
                type: 'button',
                'aria-label': `${t('ops.retry')}：${id}`,
                onclick: () => open('retry-payment'),
              },
              t('ops.retry'),
            )
          : null,
        canCancel
          ? h(
              'button',
              {
                type: 'button',
                class: 'danger',
                'aria-label': `${t('ops.cancel')}：${id}`,
                onclick: () => open('cancel'),
              },
              t('ops.cancel'),
            )
          : null,
      ),
    ),
  );
  return [row, slot.row];
}

function publishCard() {
  const out = h('div', { 'aria-live': 'polite' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        button.disabled = true;
        fill(out);
        try {
          const res = await api.post('/api/v1/admin/notices/publish');
          fill(
            out,
            notice(
              res.batchId
                ? t('ops.published', { id: res.batchId, count: res.count, endsAt: fmt.dateTime(res.endsAt) })
                : t('ops.nothingToPublish'),
            ),
          );
        } catch (err) {
          fill(out, errorBox(err));
        } finally {
          button.disabled = false;
        }
      },
    },
    t('ops.publish'),
  );
  return h(
    'section',
    { class: 'card adm', 'aria-labelledby': 'ops-publish' },
    h('h2', { id: 'ops-publish' }, t('ops.publishTitle')),
    h('p', { class: 'muted' }, t('ops.publishIntro')),
    h('div', { class: 'actions' }, button),
    out,
  );
}

/** A banner while the current or next year has no official holiday calendar; nothing if that cannot be read. */
async function calendarWarning() {
  try {
    const res = await api.get('/api/v1/admin/calendar');
    if (!res.missingYears?.length) return null;
    const years = res.missingYears.join(lang() === 'zh' ? '、' : ', ');
    return h('p', { class: 'alert warn calendar-warning' }, t('cal.missing', { years }));
  } catch {
    return null;
  }
}

page('/admin', ['admin'], async ({ query, session }) => {
  const kind = STUCK_KINDS.includes(query.kind) ? query.kind : '';
  const [res, calendar] = await Promise.all([
    api.get(`/api/v1/admin/workflows/stuck${kind ? `?kind=${kind}` : ''}`),
    calendarWarning(),
  ]);
  const reload = () => go(`#/admin${kind ? `?kind=${kind}` : ''}`);
  const filter = h(
    'form',
    { class: 'row kind-filter', 'aria-label': t('ops.filter') },
    field(
      t('ops.kind'),
      select('kind', [['', t('ops.allKinds')], ...STUCK_KINDS.map((k) => [k, t(`kind.${k}`)])], kind),
    ),
    h(
      'div',
      { class: 'field button-field' },
      h('button', { type: 'submit', class: 'secondary' }, t('ops.filter')),
    ),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    const k = String(new FormData(filter).get('kind') ?? '');
    go(k ? `#/admin?kind=${encodeURIComponent(k)}` : '#/admin');
  });
  const list = res.items.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'stuck' },
          h('caption', { class: 'visually-hidden' }, t('ops.title')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'ops.kind',
                'ops.application',
                'ops.status',
                'ops.reason',
                'ops.since',
                'ops.links',
                'ops.actions',
              ].map((k) => h('th', { scope: 'col' }, t(k))),
            ),
          ),
          h(
            'tbody',
            {},
            res.items.map((i) => stuckRow(i, reload)),
          ),
        ),
      )
    : h('p', { class: 'empty' }, t('ops.none'));
  return [
    h('h1', {}, t('ops.title')),
    subnav(session, '#/admin'),
    calendar,
    h('p', { class: 'muted' }, t('ops.intro')),
    publishCard(),
    h(
      'section',
      { class: 'card adm', 'aria-labelledby': 'ops-list' },
      h('h2', { id: 'ops-list' }, t('ops.title')),
      filter,
      h(
        'p',
        { class: 'muted', role: 'status' },
        t('ops.summary', {
          total: res.total ?? res.items.length,
          scanned: res.scanned,
          at: fmt.dateTime(res.generatedAt),
        }),
      ),
      res.truncated ? h('p', { class: 'alert warn' }, t('ops.truncated')) : null,
      list,
      h(
        'details',
        { class: 'kinds-help' },
        h('summary', {}, t('ops.kindsHelp')),
        h(
          'dl',
          { class: 'facts' },
          STUCK_KINDS.map((k) => [h('dt', {}, t(`kind.${k}`)), h('dd', {}, t(`kindHelp.${k}`))]),
        ),
      ),
    ),
  ];
});

/* ---------- #/admin/budgets ---------- */

function budgetRows(view) {
  return [
    { name: t('bud.all'), ...view },
    ...TRACKS.filter((tr) => view.tracks?.[tr]).map((tr) => ({ name: fmt.track(tr), ...view.tracks[tr] })),
  ];
}

function budgetChart(view) {
  const rows = budgetRows(view);
  const width = 720;
  const labelW = 190;
  const barW = width - labelW - 20;
  const rowH = 46;
  const height = rows.length * rowH + 34;
  return chart(
    {
      title: t('bud.usage'),
      desc: rows
        .map((r) =>
          t('bud.usageDesc', {
            name: r.name,
            total: fmt.fen(r.totalFen),
            spent: fmt.fen(r.spentFen),
            reserved: fmt.fen(r.reservedFen),
            available: fmt.fen(r.availableFen),
          }),
        )
        .join(' '),
      width,
      height,
      cls: 'budget-chart',
    },
    rows.map((r, i) => {
      const y = i * rowH + 8;
      const total = r.totalFen || 1;
      const spentW = (Math.min(r.spentFen, total) / total) * barW;
      const reservedW = (Math.min(r.reservedFen, Math.max(0, total - r.spentFen)) / total) * barW;
      return s(
        'g',
        {},
        s('text', { x: 0, y: y + 18, class: 'label' }, r.name),
        s('rect', { x: labelW, y, width: barW, height: 24, class: 'bar-track', rx: 3 }),
        spentW > 0
          ? s(
              'rect',
              { x: labelW, y, width: spentW, height: 24, class: 'bar spent' },
              s('title', {}, `${t('bud.spent')} ${fmt.fen(r.spentFen)}`),
            )
          : null,
        reservedW > 0
          ? s(
              'rect',
              { x: labelW + spentW, y, width: reservedW, height: 24, class: 'bar reserved' },
              s('title', {}, `${t('bud.reserved')} ${fmt.fen(r.reservedFen)}`),
            )
          : null,
        s(
          'text',
          { x: labelW, y: y + 38, class: 'value' },
          `${t('bud.available')} ${fmt.fen(r.availableFen)} / ${fmt.fen(r.totalFen)}`,
        ),
      );
    }),
    s(
      'g',
      { class: 'legend' },
      s('rect', { x: labelW, y: height - 16, width: 12, height: 12, class: 'bar spent' }),
      s('text', { x: labelW + 18, y: height - 6 }, t('bud.spent')),
      s('rect', { x: labelW + 110, y: height - 16, width: 12, height: 12, class: 'bar reserved' }),
      s('text', { x: labelW + 128, y: height - 6 }, t('bud.reserved')),
      s('rect', { x: labelW + 220, y: height - 16, width: 12, height: 12, class: 'bar-track' }),
      s('text', { x: labelW + 238, y: height - 6 }, t('bud.available')),
    ),
  );
}

function budgetFigures(view) {
  const rows = budgetRows(view);
  return [
    h(
      'div',
      { class: 'tiles', 'data-testid': 'budget-tiles' },
      [
        ['bud.total', view.totalFen, 'total'],
        ['bud.reserved', view.reservedFen, 'reserved'],
        ['bud.spent', view.spentFen, 'spent'],
        ['bud.available', view.availableFen, 'available'],
      ].map(([key, fen, name]) =>
        h(
          'div',
          { class: 'tile', 'data-figure': name },
          h('span', { class: 'label' }, t(key)),
          h('span', { class: 'num' }, fmt.fen(fen)),
        ),
      ),
    ),
    view.totalFen === 0 && !rows[1]
      ? h('p', { class: 'alert warn' }, t('bud.none', { year: view.year }))
      : null,
    h(
      'section',
      { class: 'card chart-card adm', 'aria-labelledby': 'bud-usage' },
      h('h2', { id: 'bud-usage' }, t('bud.usage')),
      budgetChart(view),
      budgetTable(rows),
    ),
  ];
}

function budgetTable(rows) {
  return dataTable({
    caption: t('dash.dataTable', { name: t('bud.usage') }),
    captionHidden: true,
    cols: [
      { label: t('bud.budget') },
      { label: t('bud.total'), num: true },
      { label: t('bud.reserved'), num: true },
      { label: t('bud.spent'), num: true },
      { label: t('bud.available'), num: true },
    ],
    rows: rows.map((r) => [
      r.name,
      fmt.fen(r.totalFen),
      fmt.fen(r.reservedFen),
      fmt.fen(r.spentFen),
      fmt.fen(r.availableFen),
    ]),
  });
}

page('/admin/budgets', ['admin', 'finance'], async ({ query, session }) => {
  const year = yearOf(query);
  const view = await api.get(`/api/v1/admin/budgets/${year}`);
  const figures = h('div', { 'aria-live': 'polite' }, budgetFigures(view));
  const form = h(
    'form',
    { class: 'card narrow adm', 'aria-labelledby': 'bud-form' },
    h('h2', { id: 'bud-form' }, t('bud.form')),
    field(t('bud.totalField'), moneyInput('totalFen', view.totalFen, { required: true })),
    TRACKS.map((tr) =>
      field(
        t('bud.trackField', { track: fmt.track(tr) }),
        moneyInput(`tracks.${tr}`, view.tracks?.[tr]?.totalFen),
        t('bud.trackHint'),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('common.save'))),
  );
  const saved = h('div', { 'aria-live': 'polite' });
  wireForm(
    form,
    (fd) => {
      const r = reader(fd);
      const totalFen = r.money('totalFen');
      const tracks = {};
      for (const tr of TRACKS) {
        const fen = r.money(`tracks.${tr}`, { optional: true });
        if (fen !== undefined) tracks[tr] = fen;
      }
      if (r.errors.length) throw invalid(r.errors);
      return api.put(`/api/v1/admin/budgets/${year}`, {
        totalFen,
        ...(Object.keys(tracks).length ? { tracks } : {}),
      });
    },
    (res) => {
      fill(figures, budgetFigures(res));
      fill(saved, notice(t('bud.saved', { available: fmt.fen(res.availableFen) })));
    },
  );
  return [
    h('h1', {}, t('bud.title', { year })),
    subnav(session, '#/admin/budgets'),
    yearPicker('#/admin/budgets', year),
    h('p', { class: 'muted' }, t('bud.intro')),
    figures,
    saved,
    form,
  ];
});

/* ---------- #/admin/program ---------- */

function programForm(year, p) {
  const dl = (name, value, props = {}) => intInput(name, value, { min: 1, required: true, ...props });
  return h(
    'form',
    { class: 'program-form', 'aria-label': t('prog.title', { year }), novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.window')),
      h(
        'div',
        { class: 'row' },
        field(
          t('prog.opensAt'),
          h('input', {
            name: 'opensAt',
            type: 'datetime-local',
            step: 1,
            value: toLocalInput(p.opensAt),
            required: true,
          }),
        ),
        field(
          t('prog.closesAt'),
          h('input', {
            name: 'closesAt',
            type: 'datetime-local',
            step: 1,
            value: toLocalInput(p.closesAt),
            required: true,
          }),
        ),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.fields')),
      checkboxes(
        'keyFields',
        t('prog.keyFields'),
        FIELDS.map((f) => [f, fieldName(f)]),
        p.keyFields ?? [],
      ),
      checkboxes(
        'frontierFields',
        t('prog.frontierFields'),
        FIELDS.map((f) => [f, fieldName(f)]),
        p.frontierFields ?? [],
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.inclusive')),
      h(
        'div',
        { class: 'row' },
        field(t('prog.inclusiveStaffMax'), dl('inclusiveStaffMax', p.inclusiveStaffMax)),
        field(
          t('prog.inclusiveRevenueMaxFen'),
          moneyInput('inclusiveRevenueMaxFen', p.inclusiveRevenueMaxFen, { required: true }),
        ),
        field(
          t('prog.inclusivePremiumCapFen'),
          moneyInput('inclusivePremiumCapFen', p.inclusivePremiumCapFen, { required: true }),
        ),
        field(t('prog.inclusiveMaxYears'), dl('inclusiveMaxYears', p.inclusiveMaxYears)),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.srdi')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'rates' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('td', {}),
              CATEGORIES.map((c) => h('th', { scope: 'col' }, t(`cat.${c}`))),
            ),
          ),
          h(
            'tbody',
            {},
            SRDI_LEVELS.map((level) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, t(`level.${level}`)),
                CATEGORIES.map((c) => {
                  const name = `srdiRatesBp.${level}.${c}`;
                  const input = pctInput(name, p.srdiRatesBp?.[level]?.[c], {
                    required: true,
                    'aria-label': `${t(`level.${level}`)} · ${t(`cat.${c}`)}（%）`,
                    title: t('prog.rateHint'),
                  });
                  input.dataset.field = name;
                  return h('td', {}, input);
                }),
              ),
            ),
          ),
        ),
      ),
      h('p', { class: 'hint' }, t('prog.rateHint')),
      field(
        t('prog.srdiAnnualCapFen'),
        moneyInput('srdiAnnualCapFen', p.srdiAnnualCapFen, { required: true }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.frontier')),
      h(
        'div',
        { class: 'row' },
        field(
          t('prog.frontierRateBp'),
          pctInput('frontierRateBp', p.frontierRateBp, { required: true }),
          t('prog.rateHint'),
        ),
        field(
          t('prog.frontierAnnualCapFen'),
          moneyInput('frontierAnnualCapFen', p.frontierAnnualCapFen, { required: true }),
        ),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.deadlines')),
      h(
        'div',
        { class: 'row' },
        field(t('prog.sla.initial'), dl('reviewSlaWorkingDays.initial', p.reviewSlaWorkingDays?.initial)),
        field(t('prog.sla.expert'), dl('reviewSlaWorkingDays.expert', p.reviewSlaWorkingDays?.expert)),
        field(t('prog.sla.final'), dl('reviewSlaWorkingDays.final', p.reviewSlaWorkingDays?.final)),
        field(t('prog.noticeWorkingDays'), dl('noticeWorkingDays', p.noticeWorkingDays)),
        field(t('prog.infoDeadlineWorkingDays'), dl('infoDeadlineWorkingDays', p.infoDeadlineWorkingDays)),
        field(t('prog.bankResponseWorkingDays'), dl('bankResponseWorkingDays', p.bankResponseWorkingDays)),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.tracking')),
      h(
        'div',
        { class: 'row' },
        field(
          t('prog.followUpMonths'),
          h('input', { name: 'followUpMonths', value: (p.followUpMonths ?? []).join(', '), required: true }),
          t('prog.followUpHint'),
        ),
        field(t('prog.renewalReminderDays'), dl('renewalReminderDays', p.renewalReminderDays)),
      ),
      checkboxes(
        'bankMatchingTracks',
        t('prog.bankMatchingTracks'),
        TRACKS.map((tr) => [tr, fmt.track(tr)]),
        p.bankMatchingTracks ?? [],
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('prog.evaluation')),
      h(
        'div',
        { class: 'row' },
        field(t('prog.highTechEnterpriseTotal'), dl('highTechEnterpriseTotal', p.highTechEnterpriseTotal)),
        field(
          t('prog.target.highTechCoveragePct'),
          h('input', {
            name: 'evaluationTargets.highTechCoveragePct',
            type: 'number',
            step: 0.01,
            min: 0,
            value: p.evaluationTargets?.highTechCoveragePct ?? '',
            required: true,
          }),
        ),
        field(
          t('prog.target.riskCoverageFen'),
          moneyInput('evaluationTargets.riskCoverageFen', p.evaluationTargets?.riskCoverageFen, {
            required: true,
          }),
          t('prog.targetRiskHint'),
        ),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('common.save'))),
  );
}

function readProgram(fd, year) {
  const r = reader(fd);
  const body = {
    year,
    opensAt: fromLocalInput(r.text('opensAt')),
    closesAt: fromLocalInput(r.text('closesAt')),
    keyFields: r.all('keyFields'),
    frontierFields: r.all('frontierFields'),
    inclusiveStaffMax: r.int('inclusiveStaffMax'),
    inclusiveRevenueMaxFen: r.money('inclusiveRevenueMaxFen'),
    inclusivePremiumCapFen: r.money('inclusivePremiumCapFen'),
    inclusiveMaxYears: r.int('inclusiveMaxYears'),
    srdiRatesBp: Object.fromEntries(
      SRDI_LEVELS.map((level) => [
        level,
        Object.fromEntries(CATEGORIES.map((c) => [c, r.bp(`srdiRatesBp.${level}.${c}`)])),
      ]),
    ),
    frontierRateBp: r.bp('frontierRateBp'),
    srdiAnnualCapFen: r.money('srdiAnnualCapFen'),
    frontierAnnualCapFen: r.money('frontierAnnualCapFen'),
    reviewSlaWorkingDays: {
      initial: r.int('reviewSlaWorkingDays.initial'),
      expert: r.int('reviewSlaWorkingDays.expert'),
      final: r.int('reviewSlaWorkingDays.final'),
    },
    noticeWorkingDays: r.int('noticeWorkingDays'),
    infoDeadlineWorkingDays: r.int('infoDeadlineWorkingDays'),
    bankMatchingTracks: r.all('bankMatchingTracks'),
    highTechEnterpriseTotal: r.int('highTechEnterpriseTotal'),
    followUpMonths: r.intList('followUpMonths'),
    renewalReminderDays: r.int('renewalReminderDays'),
    bankResponseWorkingDays: r.int('bankResponseWorkingDays'),
    evaluationTargets: {
      highTechCoveragePct: r.pct('evaluationTargets.highTechCoveragePct'),
      riskCoverageFen: r.money('evaluationTargets.riskCoverageFen'),
    },
  };
  if (r.errors.length) throw invalid(r.errors);
  return body;
}

page('/admin/program', ['admin'], async ({ query, session }) => {
  const year = yearOf(query);
  const program = await api.get(`/api/v1/programs/${year}`);
  const form = programForm(year, program);
  const saved = h('div', { 'aria-live': 'polite' });
  wireForm(
    form,
    (fd) => api.put(`/api/v1/programs/${year}`, readProgram(fd, year)),
    () => {
      fill(saved, notice(t('prog.saved', { year })));
      saved.scrollIntoView?.({ block: 'nearest' });
    },
  );
  return [
    h('h1', {}, t('prog.title', { year })),
    subnav(session, '#/admin/program'),
    yearPicker('#/admin/program', year),
    h('p', { class: 'muted' }, t('prog.intro')),
    saved,
    form,
  ];
});

/* ---------- #/admin/catalog ---------- */

function catalogTable(items) {
  if (!items.length) return h('p', {}, t('cata.none'));
  return dataTable({
    caption: t('cata.title'),
    captionHidden: true,
    cols: [
      { label: t('cata.productCode') },
      { label: t('cata.name') },
      { label: t('cata.insurerCode') },
      { label: t('cata.kind') },
      { label: t('cata.category') },
      { label: t('cata.exclusiveFields') },
      { label: t('cata.active') },
    ],
    rows: items.map((p) => [
      h('code', {}, p.productCode),
      p.name,
      p.insurerCode,
      t(`pkind.${p.kind}`),
      t(`cat.${p.category}`),
      p.exclusiveFields?.length ? p.exclusiveFields.map(fieldName).join('、') : '—',
      `${fmt.date(p.activeFrom)} – ${p.activeTo ? fmt.date(p.activeTo) : t('cata.open')}`,
    ]),
  });
}

page('/admin/catalog', ['admin'], async ({ session }) => {
  const res = await api.get('/api/v1/catalog');
  const list = h('div', { 'aria-live': 'polite' }, catalogTable(res.items));
  const form = h(
    'form',
    { class: 'card adm', 'aria-labelledby': 'cata-add' },
    h('h2', { id: 'cata-add' }, t('cata.add')),
    h(
      'div',
      { class: 'row' },
      field(
        t('cata.productCode'),
        h('input', { name: 'productCode', required: true, maxlength: 64, autocomplete: 'off' }),
      ),
      field(
        t('cata.insurerCode'),
        h('input', { name: 'insurerCode', required: true, maxlength: 32, autocomplete: 'off' }),
      ),
      field(t('cata.name'), h('input', { name: 'name', required: true, maxlength: 200 })),
    ),
    h(
      'div',
      { class: 'row' },
      field(
        t('cata.kind'),
        select(
          'kind',
          PRODUCT_KINDS.map((k) => [k, t(`pkind.${k}`)]),
          'CATALOG',
        ),
      ),
      field(
        t('cata.category'),
        select(
          'category',
          CATEGORIES.map((c) => [c, t(`cat.${c}`)]),
          'R_AND_D',
        ),
      ),
      field(t('cata.activeFrom'), h('input', { name: 'activeFrom', type: 'date', required: true })),
      field(t('cata.activeTo'), h('input', { name: 'activeTo', type: 'date' })),
    ),
    checkboxes(
      'exclusiveFields',
      t('cata.exclusiveFields'),
      FIELDS.map((f) => [f, fieldName(f)]),
      [],
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('cata.add'))),
  );
  const out = h('div', { 'aria-live': 'polite' });
  wireForm(
    form,
    (fd) => {
      const r = reader(fd);
      return api.post('/api/v1/catalog/products', {
        productCode: r.text('productCode'),
        insurerCode: r.text('insurerCode'),
        name: r.text('name'),
        kind: r.text('kind'),
        category: r.text('category'),
        exclusiveFields: r.all('exclusiveFields'),
        activeFrom: r.text('activeFrom'),
        activeTo: r.optionalText('activeTo'),
      });
    },
    async (product) => {
      fill(out, notice(t('cata.added', { code: product.productCode })));
      form.reset();
      fill(list, catalogTable((await api.get('/api/v1/catalog')).items));
    },
  );
  return [h('h1', {}, t('cata.title')), subnav(session, '#/admin/catalog'), list, out, form];
});

/* ---------- #/admin/banks ---------- */

function bankForm(onSaved) {
  const form = h(
    'form',
    { class: 'card adm', 'aria-labelledby': 'bank-form' },
    h('h2', { id: 'bank-form' }, t('bank.form')),
    h(
      'div',
      { class: 'row' },
      field(
        t('bank.bankCode'),
        h('input', { name: 'bankCode', required: true, maxlength: 32, autocomplete: 'off' }),
      ),
      field(t('bank.name'), h('input', { name: 'name', required: true, maxlength: 100 })),
      field(
        t('bank.contactEmail'),
        h('input', { name: 'contactEmail', type: 'email', required: true, maxlength: 254 }),
      ),
    ),
    checkboxes(
      'criteria.tracks',
      t('bank.tracks'),
      TRACKS.map((tr) => [tr, fmt.track(tr)]),
      ['INCLUSIVE'],
    ),
    h(
      'div',
      { class: 'row' },
      field(t('bank.minAmountFen'), moneyInput('criteria.minAmountFen', null, { required: true })),
      field(t('bank.maxAmountFen'), moneyInput('criteria.maxAmountFen', null, { required: true })),
      field(
        t('bank.maxTermMonths'),
        intInput('criteria.maxTermMonths', 24, { min: 1, max: 360, required: true }),
      ),
    ),
    checkbox('active', t('bank.active'), true),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('common.save'))),
  );
  wireForm(
    form,
    (fd) => {
      const r = reader(fd);
      const code = r.text('bankCode');
      const body = {
        name: r.text('name'),
        contactEmail: r.text('contactEmail'),
        criteria: {
          tracks: r.all('criteria.tracks'),
          minAmountFen: r.money('criteria.minAmountFen'),
          maxAmountFen: r.money('criteria.maxAmountFen'),
          maxTermMonths: r.int('criteria.maxTermMonths'),
        },
        active: r.checked('active'),
      };
      if (!code) r.errors.push({ path: 'params.bankCode', message: t('common.required') });
      if (r.errors.length) throw invalid(r.errors);
      return api.put(`/api/v1/admin/banks/${encodeURIComponent(code)}`, body);
    },
    onSaved,
  );
  return form;
}

function fillBankForm(form, b) {
  const set = (name, value) => {
    const el = form.elements.namedItem(name);
    if (el) el.value = value;
  };
  set('bankCode', b.bankCode);
  set('name', b.name);
  set('contactEmail', b.contactEmail);
  set('criteria.minAmountFen', fenToYuanInput(b.criteria.minAmountFen));
  set('criteria.maxAmountFen', fenToYuanInput(b.criteria.maxAmountFen));
  set('criteria.maxTermMonths', b.criteria.maxTermMonths);
  form
    .querySelectorAll('input[name="criteria.tracks"]')
    .forEach((c) => (c.checked = b.criteria.tracks.includes(c.value)));
  form.elements.namedItem('active').checked = b.active;
  form.scrollIntoView?.({ block: 'start' });
  form.elements.namedItem('bankCode').focus();
}

function banksTable(items, form) {
  if (!items.length) return h('p', {}, t('bank.none'));
  return dataTable({
    caption: t('bank.title'),
    captionHidden: true,
    cols: [
      { label: t('bank.bankCode') },
      { label: t('bank.name') },
      { label: t('bank.contactEmail') },
      { label: t('bank.tracks') },
      { label: t('bank.amount'), num: true },
      { label: t('bank.maxTermMonths'), num: true },
      { label: t('bank.active') },
      { label: h('span', { class: 'visually-hidden' }, t('adm.edit')) },
    ],
    rows: items.map((b) => [
      h('code', {}, b.bankCode),
      b.name,
      b.contactEmail,
      b.criteria.tracks.map((tr) => fmt.track(tr)).join('、'),
      `${fmt.fen(b.criteria.minAmountFen)} – ${fmt.fen(b.criteria.maxAmountFen)}`,
      t('bank.term', { n: b.criteria.maxTermMonths }),
      h('span', { class: `badge ${b.active ? 'ok' : ''}` }, yesNo(b.active)),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': `${t('adm.edit')}：${b.name}`,
          onclick: () => fillBankForm(form, b),
        },
        t('adm.edit'),
      ),
    ]),
  });
}

page('/admin/banks', ['admin'], async ({ session }) => {
  const res = await api.get('/api/v1/admin/banks');
  const list = h('div', { 'aria-live': 'polite' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = bankForm(async (bank) => {
    fill(out, notice(t('bank.saved', { code: bank.bankCode })));
    fill(list, banksTable((await api.get('/api/v1/admin/banks')).items, form));
  });
  fill(list, banksTable(res.items, form));
  return [h('h1', {}, t('bank.title')), subnav(session, '#/admin/banks'), list, out, form];
});

/* ---------- #/admin/staff ---------- */

function staffForm(onSaved) {
  const form = h(
    'form',
    { class: 'card adm', 'aria-labelledby': 'staff-form' },
    h('h2', { id: 'staff-form' }, t('staff.form')),
    h(
      'div',
      { class: 'row' },
      field(
        t('staff.subject'),
        h('input', { name: 'subject', required: true, maxlength: 100, autocomplete: 'off' }),
      ),
      field(t('staff.name'), h('input', { name: 'name', required: true, maxlength: 100 })),
      field(t('staff.email'), h('input', { name: 'email', type: 'email', required: true, maxlength: 254 })),
    ),
    h(
      'div',
      { class: 'row' },
      field(
        t('staff.role'),
        select(
          'role',
          STAFF_ROLES.map((r) => [r, fmt.role(r)]),
          'reviewer',
        ),
      ),
      field(t('staff.org'), h('input', { name: 'org', list: 'adm-orgs', maxlength: 57 }), t('staff.orgHint')),
      h(
        'datalist',
        { id: 'adm-orgs' },
        ['committee', 'street:中关村街道', 'street:学院路街道', 'street:海淀街道'].map((o) =>
          h('option', { value: o }),
        ),
      ),
    ),
    checkbox('supervisor', t('staff.supervisor'), false),
    checkbox('active', t('staff.active'), true),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('common.save'))),
  );
  wireForm(
    form,
    (fd) => {
      const r = reader(fd);
      const subject = r.text('subject');
      if (!subject) throw invalid([{ path: 'params.subject', message: t('common.required') }]);
      return api.put(`/api/v1/admin/staff/${encodeURIComponent(subject)}`, {
        name: r.text('name'),
        email: r.text('email'),
        role: r.text('role'),
        org: r.optionalText('org'),
        supervisor: r.checked('supervisor'),
        active: r.checked('active'),
      });
    },
    onSaved,
  );
  return form;
}

function fillStaffForm(form, m) {
  for (const name of ['subject', 'name', 'email', 'role'])
    form.elements.namedItem(name).value = m[name] ?? '';
  form.elements.namedItem('org').value = m.org ?? '';
  form.elements.namedItem('supervisor').checked = Boolean(m.supervisor);
  form.elements.namedItem('active').checked = m.active !== false;
  form.scrollIntoView?.({ block: 'start' });
  form.elements.namedItem('subject').focus();
}

function staffTable(items, form) {
  if (!items.length) return h('p', {}, t('staff.none'));
  return dataTable({
    caption: t('staff.title'),
    captionHidden: true,
    cols: [
      { label: t('staff.subject') },
      { label: t('staff.name') },
      { label: t('staff.email') },
      { label: t('staff.role') },
      { label: t('staff.org') },
      { label: t('staff.supervisor') },
      { label: t('staff.active') },
      { label: t('staff.updatedAt') },
      { label: h('span', { class: 'visually-hidden' }, t('adm.edit')) },
    ],
    rows: items.map((m) => [
      h('code', {}, m.subject),
      m.name,
      m.email,
      fmt.role(m.role),
      m.org ?? '—',
      yesNo(m.supervisor),
      h('span', { class: `badge ${m.active ? 'ok' : ''}` }, yesNo(m.active)),
      fmt.dateTime(m.updatedAt),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': `${t('adm.edit')}：${m.subject}`,
          onclick: () => fillStaffForm(form, m),
        },
        t('adm.edit'),
      ),
    ]),
  });
}

page('/admin/staff', ['admin'], async ({ session }) => {
  const res = await api.get('/api/v1/admin/staff');
  const list = h('div', { 'aria-live': 'polite' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = staffForm(async (m) => {
    fill(out, notice(t('staff.saved', { subject: m.subject })));
    fill(list, staffTable((await api.get('/api/v1/admin/staff')).items, form));
  });
  fill(list, staffTable(res.items, form));
  return [
    h('h1', {}, t('staff.title')),
    subnav(session, '#/admin/staff'),
    h('p', { class: 'muted' }, t('staff.intro')),
    list,
    out,
    form,
  ];
});

/* ---------- #/payments: payment exceptions ---------- */

const failureText = (code) => {
  if (!code) return '—';
  const key = `pay.reason.${code}`;
  const text = t(key);
  return text === key ? code : `${text}（${code}）`;
};

page('/payments', ['finance', 'admin'], async ({ query, session }) => {
  const pageNo = Math.max(1, Number(query.page) || 1);
  const res = await api.get(`/api/v1/tasks?queue=payment-exception&page=${pageNo}&pageSize=50`);
  const apps = await Promise.all(
    res.items.map((task) =>
      api.get(`/api/v1/applications/${encodeURIComponent(task.applicationId)}`).catch(() => null),
    ),
  );
  const pages = Math.max(1, Math.ceil(res.total / (res.pageSize || 50)));
  const body = res.items.length
    ? [
        h('p', { class: 'muted' }, t('common.total', { total: res.total })),
        dataTable({
          caption: t('pay.title'),
          captionHidden: true,
          cols: [
            { label: t('ops.application') },
            { label: t('pay.enterprise') },
            { label: t('pay.amount'), num: true },
            { label: t('pay.failure') },
            { label: t('pay.task') },
            { label: t('pay.due') },
            { label: h('span', { class: 'visually-hidden' }, t('pay.handle')) },
          ],
          rows: res.items.map((task, i) => {
            const app = apps[i];
            const failed = [...(app?.payments ?? [])].reverse().find((p) => p.status === 'FAILED');
            return [
              h(
                'a',
                { href: `#/applications/${encodeURIComponent(task.applicationId)}` },
                task.applicationId,
              ),
              app?.enterpriseName ?? '—',
              fmt.fen(failed?.amountFen ?? app?.subsidy?.grantedFen),
              failed
                ? [
                    failureText(failed.failureReason),
                    h(
                      'small',
                      { class: 'muted' },
                      ` · ${t('pay.attempt', { n: failed.attempt })} · ${fmt.dateTime(failed.settledAt ?? failed.requestedAt)}`,
                    ),
                  ]
                : '—',
              task.state === 'claimed' ? t('pay.claimed', { who: task.assignee }) : t('pay.open'),
              [
                fmt.dateTime(task.dueAt),
                task.overdue ? [' ', h('span', { class: 'badge bad' }, t('pay.overdue'))] : null,
              ],
              h(
                'a',
                {
                  href: `#/tasks/${encodeURIComponent(task.id)}`,
                  'aria-label': `${t('pay.handle')}：${task.applicationId}`,
                },
                t('pay.handle'),
              ),
            ];
          }),
        }),
        pages > 1
          ? h(
              'nav',
              { class: 'pager', 'aria-label': t('common.page', { page: pageNo, pages }) },
              pageNo > 1 ? h('a', { href: `#/payments?page=${pageNo - 1}` }, t('common.previous')) : null,
              h('span', {}, t('common.page', { page: pageNo, pages })),
              pageNo < pages ? h('a', { href: `#/payments?page=${pageNo + 1}` }, t('common.next')) : null,
            )
          : null,
      ]
    : h('p', { class: 'empty' }, t('pay.none'));
  return [
    h('h1', {}, t('pay.title')),
    subnav(session, '#/payments'),
    h('p', { class: 'muted' }, t('pay.intro')),
    body,
  ];
});

/* ---------- #/dashboard: evaluation ---------- */

function tile(name, label, value, sub) {
  return h(
    'div',
    { class: 'tile', 'data-figure': name },
    h('span', { class: 'label' }, label),
    h('span', { class: 'num' }, value),
    sub ? h('span', { class: 'sub' }, sub) : null,
  );
}

function headline(r) {
  return h(
    'div',
    { class: 'tiles dash-tiles', 'data-testid': 'evaluation-tiles' },
    tile(
      'newInsuredEnterprises',
      t('dash.newInsured'),
      num(r.newInsuredEnterprises, 0),
      t('dash.insuredEnterprises', { n: r.insuredEnterprises, apps: r.insuredApplications }),
    ),
    tile(
      'premium',
      t('dash.premium'),
      fmt.fen(r.premiumFen),
      r.premiumGrowthPct === null
        ? t('dash.noGrowth')
        : t('dash.growth', { pct: signedPct(r.premiumGrowthPct) }),
    ),
    tile(
      'riskCoverage',
      t('dash.risk'),
      fmt.fen(r.riskCoverageFen),
      t('dash.riskTarget', { target: fmt.fen(r.targets.riskCoverageFen) }),
    ),
    tile(
      'subsidiesPaid',
      t('dash.paid'),
      fmt.fen(r.subsidiesPaidFen),
      t('dash.paidApps', { n: r.applicationsPaid }),
    ),
    tile(
      'leverage',
      t('dash.leverage'),
      r.leverage === null ? '—' : t('dash.leverageValue', { x: num(r.leverage) }),
      r.leverage === null ? t('dash.noLeverage') : t('dash.leverageNote'),
    ),
    tile(
      'highTechCoverage',
      t('dash.highTech'),
      pct(r.highTechCoveragePct),
      t('dash.highTechOf', {
        n: r.highTechInsuredEnterprises,
        total: num(r.highTechEnterpriseTotal, 0),
        target: pct(r.targets.highTechCoveragePct),
      }),
    ),
  );
}

function section(id, title, ...content) {
  return h(
    'section',
    { class: 'card chart-card adm', 'aria-labelledby': id },
    h('h2', { id }, title),
    content,
  );
}

function monthLabel(key) {
  const m = Number(key.slice(5, 7));
  return lang() === 'zh'
    ? t('dash.monthLabel', { m })
    : new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
}

function monthlyChart(r) {
  const width = 720;
  const height = 280;
  const left = 64;
  const top = 28;
  const bottom = 32;
  const plotH = height - top - bottom;
  const plotW = width - left - 10;
  const max = niceMax(Math.max(...r.byMonth.map((m) => m.premiumFen)));
  const slot = plotW / r.byMonth.length;
  const barW = slot * 0.62;
  const yOf = (fen) => top + plotH - (fen / max) * plotH;
  return chart(
    {
      title: t('dash.monthly'),
      desc: t('dash.monthlyDesc', { year: r.year, total: fmt.fen(r.premiumFen) }),
      width,
      height,
      cls: 'monthly-chart',
    },
    [0, 0.5, 1].map((f) =>
      s(
        'g',
        { class: 'grid' },
        s('line', { x1: left, x2: width - 10, y1: yOf(max * f), y2: yOf(max * f) }),
        s(
          'text',
          { x: left - 6, y: yOf(max * f) + 4, class: 'axis', 'text-anchor': 'end' },
          compactFen(max * f),
        ),
      ),
    ),
    r.byMonth.map((m, i) => {
      const x = left + i * slot + (slot - barW) / 2;
      const y = yOf(m.premiumFen);
      const growth = m.growthPct === null ? '' : signedPct(m.growthPct);
      return s(
        'g',
        {},
        s(
          'rect',
          { x, y, width: barW, height: Math.max(0, top + plotH - y), class: 'bar premium' },
          s(
            'title',
            {},
            `${monthLabel(m.month)}：${fmt.fen(m.premiumFen)}${growth ? `（${t('dash.monthGrowth')} ${growth}）` : ''}`,
          ),
        ),
        growth
          ? s(
              'text',
              {
                x: x + barW / 2,
                y: y - 5,
                'text-anchor': 'middle',
                class: `growth ${m.growthPct < 0 ? 'down' : 'up'}`,
              },
              growth,
            )
          : null,
        s(
          'text',
          { x: x + barW / 2, y: height - 12, 'text-anchor': 'middle', class: 'axis' },
          monthLabel(m.month),
        ),
      );
    }),
    s('line', { x1: left, x2: width - 10, y1: top + plotH, y2: top + plotH, class: 'baseline' }),
  );
}

function coverageChart(r) {
  const width = 720;
  const labelW = 200;
  const barW = width - labelW - 20;
  const ht = r.progress.highTechCoveragePct;
  const risk = r.progress.riskCoverageFen;
  const rows = [
    {
      label: t('dash.highTech'),
      share: (ht.achievedPct ?? 0) / 100,
      text: `${pct(ht.actual)} / ${t('dash.target')} ${pct(ht.target)} · ${t('dash.achieved')} ${pct(ht.achievedPct)}`,
    },
    {
      label: t('dash.risk'),
      share: (risk.achievedPct ?? 0) / 100,
      text: `${fmt.fen(risk.actual)} / ${t('dash.target')} ${fmt.fen(risk.target)} · ${t('dash.achieved')} ${pct(risk.achievedPct)}`,
    },
  ];
  return chart(
    {
      title: t('dash.coverage'),
      desc: t('dash.coverageDesc', {
        ht: pct(ht.actual),
        htTarget: pct(ht.target),
        htDone: pct(ht.achievedPct),
        risk: fmt.fen(risk.actual),
        riskTarget: fmt.fen(risk.target),
        riskDone: pct(risk.achievedPct),
      }),
      width,
      height: rows.length * 60 + 10,
      cls: 'coverage-chart',
    },
    rows.map((row, i) => {
      const y = i * 60 + 10;
      return s(
        'g',
        {},
        s('text', { x: 0, y: y + 17, class: 'label' }, row.label),
        hbar({ x: labelW, y, width: barW, height: 24, share: row.share, cls: 'progress', label: row.text }),
        s('line', { x1: labelW + barW, x2: labelW + barW, y1: y - 4, y2: y + 28, class: 'target-line' }),
        s('text', { x: labelW, y: y + 42, class: 'value' }, row.text),
      );
    }),
  );
}

function trackChart(r) {
  const width = 720;
  const labelW = 200;
  const barW = width - labelW - 130;
  const groupH = 64;
  const max = niceMax(Math.max(1, ...r.byTrack.flatMap((x) => [x.premiumFen, x.subsidiesPaidFen])));
  const height = r.byTrack.length * groupH + 30;
  return chart(
    {
      title: t('dash.tracks'),
      desc: `${t('dash.tracksDesc')} ${r.byTrack
        .map(
          (x) =>
            `${fmt.track(x.track)}：${t('dash.legendPremium')} ${fmt.fen(x.premiumFen)}，${t('dash.legendPaid')} ${fmt.fen(x.subsidiesPaidFen)}`,
        )
        .join('；')}`,
      width,
      height,
      cls: 'track-chart',
    },
    r.byTrack.map((x, i) => {
      const y = i * groupH + 6;
      const bar = (value, dy, cls, name) => {
        const w = (value / max) * barW;
        return s(
          'g',
          {},
          s(
            'rect',
            { x: labelW, y: y + dy, width: Math.max(w, value > 0 ? 1 : 0), height: 20, class: `bar ${cls}` },
            s('title', {}, `${fmt.track(x.track)} · ${name}：${fmt.fen(value)}`),
          ),
          s('text', { x: labelW + w + 6, y: y + dy + 15, class: 'value' }, fmt.fen(value)),
        );
      };
      return s(
        'g',
        {},
        s('text', { x: 0, y: y + 26, class: 'label' }, fmt.track(x.track)),
        bar(x.premiumFen, 0, 'premium', t('dash.legendPremium')),
        bar(x.subsidiesPaidFen, 24, 'paid', t('dash.legendPaid')),
      );
    }),
    s(
      'g',
      { class: 'legend' },
      s('rect', { x: labelW, y: height - 16, width: 12, height: 12, class: 'bar premium' }),
      s('text', { x: labelW + 18, y: height - 6 }, t('dash.legendPremium')),
      s('rect', { x: labelW + 110, y: height - 16, width: 12, height: 12, class: 'bar paid' }),
      s('text', { x: labelW + 128, y: height - 6 }, t('dash.legendPaid')),
    ),
  );
}

function bankRows(b) {
  return [
    ['granted', b.granted],
    ['declined', b.declined],
    ['expired', b.expired],
    ['pending', b.pending],
  ];
}

function bankChart(r) {
  const b = r.bankMatching;
  const width = 720;
  const labelW = 200;
  const barW = width - labelW - 120;
  const rows = bankRows(b);
  return chart(
    {
      title: t('dash.bank'),
      desc: t('dash.bankDesc', {
        n: b.referrals,
        granted: b.granted,
        declined: b.declined,
        expired: b.expired,
        pending: b.pending,
        line: fmt.fen(b.creditLineFen),
      }),
      width,
      height: rows.length * 34 + 8,
      cls: 'bank-chart',
    },
    rows.map(([key, count], i) => {
      const y = i * 34 + 6;
      const share = b.referrals ? count / b.referrals : 0;
      return s(
        'g',
        {},
        s('text', { x: 0, y: y + 16, class: 'label' }, t(`dash.${key}`)),
        hbar({
          x: labelW,
          y,
          width: barW,
          height: 22,
          share,
          cls: key,
          label: `${t(`dash.${key}`)}：${count}`,
        }),
        s(
          'text',
          { x: labelW + barW + 8, y: y + 16, class: 'value' },
          `${count}（${pct(b.referrals ? Math.round(share * 1000) / 10 : null)}）`,
        ),
      );
    }),
  );
}

async function downloadCsv(year, button, out) {
  button.disabled = true;
  fill(out);
  try {
    const blob = await api.blob(`/api/v1/metrics/evaluation?year=${year}&format=csv`);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `evaluation-${year}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    fill(out, notice(t('dash.csvDone', { year })));
  } catch (err) {
    fill(out, errorBox(err));
  } finally {
    button.disabled = false;
  }
}

/** The evaluation report (评估报告) as a file: the API needs the bearer token, so no plain link. */
async function downloadReport(year, format, button, out) {
  button.disabled = true;
  fill(out);
  try {
    const blob = await api.blob(`/api/v1/metrics/report?year=${year}&format=${format}`);
    const file = `evaluation-report-${year}.${format}`;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: file, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    fill(out, notice(t('dash.reportDone', { file })));
  } catch (err) {
    fill(out, errorBox(err));
  } finally {
    button.disabled = false;
  }
}

page('/dashboard', ['admin', 'finance', 'approver'], async ({ query, session }) => {
  const year = yearOf(query);
  const r = await api.get(`/api/v1/metrics/evaluation?year=${year}`);
  const csvOut = h('div', { 'aria-live': 'polite' });
  const csvButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => downloadCsv(year, csvButton, csvOut) },
    t('dash.csv'),
  );
  const reportButtons = ['html', 'pdf'].map((format) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-testid': `report-${format}`,
        onclick: () => downloadReport(year, format, button, csvOut),
      },
      t(format === 'pdf' ? 'dash.reportPdf' : 'dash.reportHtml'),
    );
    return button;
  });
  const breakdownCols = [
    { label: t('dash.insuredApps'), num: true },
    { label: t('dash.newEnterprises'), num: true },
    { label: t('dash.legendPremium'), num: true },
    { label: t('dash.risk'), num: true },
    { label: t('dash.legendPaid'), num: true },
    { label: t('dash.appsPaid'), num: true },
  ];
  const breakdownCells = (x) => [
    num(x.insuredApplications, 0),
    num(x.newInsuredEnterprises, 0),
    fmt.fen(x.premiumFen),
    fmt.fen(x.riskCoverageFen),
    fmt.fen(x.subsidiesPaidFen),
    num(x.applicationsPaid, 0),
  ];
  const b = r.bankMatching;
  return [
    h('h1', {}, t('dash.title', { year })),
    subnav(session, '#/dashboard'),
    h(
      'div',
      { class: 'dash-bar' },
      yearPicker('#/dashboard', year),
      h('div', { class: 'actions' }, csvButton, ...reportButtons),
    ),
    csvOut,
    h('p', { class: 'muted' }, t('dash.intro')),
    headline(r),
    section(
      'dash-monthly',
      t('dash.monthly'),
      monthlyChart(r),
      dataTable({
        caption: t('dash.dataTable', { name: t('dash.monthly') }),
        captionHidden: true,
        cols: [
          { label: t('dash.month') },
          { label: t('dash.legendPremium'), num: true },
          { label: t('dash.monthGrowth'), num: true },
          { label: t('dash.newEnterprises'), num: true },
        ],
        rows: r.byMonth.map((m) => [
          monthLabel(m.month),
          fmt.fen(m.premiumFen),
          signedPct(m.growthPct),
          num(m.newInsuredEnterprises, 0),
        ]),
        foot: [
          t('bud.all'),
          fmt.fen(r.premiumFen),
          signedPct(r.premiumGrowthPct),
          num(r.newInsuredEnterprises, 0),
        ],
      }),
    ),
    section(
      'dash-coverage',
      t('dash.coverage'),
      coverageChart(r),
      dataTable({
        caption: t('dash.dataTable', { name: t('dash.coverage') }),
        captionHidden: true,
        cols: [
          { label: t('dash.metric') },
          { label: t('dash.actual'), num: true },
          { label: t('dash.target'), num: true },
          { label: t('dash.achieved'), num: true },
        ],
        rows: [
          [
            t('dash.highTech'),
            pct(r.progress.highTechCoveragePct.actual),
            pct(r.progress.highTechCoveragePct.target),
            pct(r.progress.highTechCoveragePct.achievedPct),
          ],
          [
            t('dash.risk'),
            fmt.fen(r.progress.riskCoverageFen.actual),
            fmt.fen(r.progress.riskCoverageFen.target),
            pct(r.progress.riskCoverageFen.achievedPct),
          ],
        ],
      }),
    ),
    section(
      'dash-tracks',
      t('dash.tracks'),
      trackChart(r),
      dataTable({
        caption: t('dash.dataTable', { name: t('dash.tracks') }),
        captionHidden: true,
        cols: [{ label: t('dash.track') }, ...breakdownCols],
        rows: r.byTrack.map((x) => [fmt.track(x.track), ...breakdownCells(x)]),
      }),
    ),
    section(
      'dash-bank',
      t('dash.bank'),
      bankChart(r),
      dataTable({
        caption: t('dash.dataTable', { name: t('dash.bank') }),
        captionHidden: true,
        cols: [
          { label: t('dash.outcome') },
          { label: t('dash.count'), num: true },
          { label: t('dash.share'), num: true },
        ],
        rows: bankRows(b).map(([key, count]) => [
          t(`dash.${key}`),
          num(count, 0),
          pct(b.referrals ? Math.round((count / b.referrals) * 1000) / 10 : null),
        ]),
        foot: [t('dash.referrals'), num(b.referrals, 0), pct(b.referrals ? 100 : null)],
      }),
      h('p', {}, t('dash.creditLine', { line: fmt.fen(b.creditLineFen) })),
    ),
    section(
      'dash-fields',
      t('dash.byField'),
      dataTable({
        caption: t('dash.byField'),
        captionHidden: true,
        cols: [{ label: t('dash.field') }, ...breakdownCols],
        rows: r.byField.map((x) => [
          FIELDS.includes(x.field) ? fieldName(x.field) : x.field,
          ...breakdownCells(x),
        ]),
      }),
    ),
    section(
      'dash-surveys',
      t('dash.surveys'),
      h(
        'dl',
        { class: 'facts' },
        [
          ['dash.surveysSent', num(r.surveys.sent, 0)],
          ['dash.surveysAnswered', num(r.surveys.answered, 0)],
          ['dash.claimsFiled', num(r.surveys.claimsFiled, 0)],
          ['dash.claimsPaid', fmt.fen(r.surveys.claimsPaidFen)],
          ['dash.loans', fmt.fen(r.surveys.loansObtainedFen)],
        ].map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]),
      ),
    ),
  ];
});

/* ---------- #/admin/campaigns (主动匹配) ---------- */

addMessages({
  zh: {
    'camp.nav': '主动匹配',
    'camp.title': '主动匹配：向符合条件的企业推送政策',
    'camp.intro':
      '按企业登记信息逐页筛查全区企业，用与自动预审相同的规则判断是否符合所选类别的条件（按计划投保、已缴费判断，与保费金额无关）；本年度已申请或已退订的企业不推送，每次活动每家企业最多一封邮件。邮件附带预填申请链接和退订链接。',
    'camp.form': '发起匹配活动',
    'camp.track': '补贴类别',
    'camp.note': '备注（可不填）',
    'camp.start': '开始匹配',
    'camp.started': '已开始匹配活动 {id}，进度见下表。',
    'camp.none': '尚未发起匹配活动。',
    'camp.id': '活动',
    'camp.status': '状态',
    'camp.progress': '已筛查（页）',
    'camp.eligible': '符合条件',
    'camp.emailed': '已发送',
    'camp.skipped': '未发送（已申请 / 已退订 / 无邮箱）',
    'camp.opened': '打开链接',
    'camp.applications': '产生申请',
    'camp.conversion': '转化率',
    'camp.createdAt': '开始时间',
    'camp.cancel': '停止',
    'camp.cancelLabel': '停止活动 {id}',
    'camp.cancelled': '已请求停止活动 {id}：当前页处理完后停止。',
    'camp.auto': '活动进行中，每 3 秒自动刷新。',
    'camp.status.RUNNING': '进行中',
    'camp.status.COMPLETED': '已完成',
    'camp.status.FAILED': '失败',
    'camp.status.CANCELLED': '已停止',
  },
  en: {
    'camp.nav': 'Outreach',
    'camp.title': 'Proactive outreach: tell eligible enterprises about the subsidy',
    'camp.intro':
      "Goes through the registry's enterprises page by page and judges each with the precheck's own rules for the chosen track (a planned, paid policy: the premium amount does not matter). Enterprises that applied this year or unsubscribed are left out; each gets at most one e-mail per campaign, with a link to a pre-filled application and an unsubscribe link.",
    'camp.form': 'Start a campaign',
    'camp.track': 'Track',
    'camp.note': 'Note (optional)',
    'camp.start': 'Start',
    'camp.started': 'Campaign {id} started; its progress is in the table.',
    'camp.none': 'No campaign yet.',
    'camp.id': 'Campaign',
    'camp.status': 'Status',
    'camp.progress': 'Scanned (pages)',
    'camp.eligible': 'Eligible',
    'camp.emailed': 'E-mailed',
    'camp.skipped': 'Not e-mailed (applied / unsubscribed / no address)',
    'camp.opened': 'Opened',
    'camp.applications': 'Applications',
    'camp.conversion': 'Conversion',
    'camp.createdAt': 'Started',
    'camp.cancel': 'Stop',
    'camp.cancelLabel': 'Stop campaign {id}',
    'camp.cancelled': 'Campaign {id} stops after the page in progress.',
    'camp.auto': 'A campaign is running: refreshed every 3 seconds.',
    'camp.status.RUNNING': 'Running',
    'camp.status.COMPLETED': 'Completed',
    'camp.status.FAILED': 'Failed',
    'camp.status.CANCELLED': 'Stopped',
  },
});

const CAMPAIGN_BADGE = { RUNNING: 'warn', COMPLETED: 'ok', FAILED: 'bad', CANCELLED: '' };

function campaignForm(onStarted) {
  const form = h(
    'form',
    { class: 'card adm', 'aria-labelledby': 'campaign-form' },
    h('h2', { id: 'campaign-form' }, t('camp.form')),
    h(
      'div',
      { class: 'row' },
      field(
        t('camp.track'),
        select(
          'track',
          TRACKS.map((tr) => [tr, fmt.track(tr)]),
          'INCLUSIVE',
        ),
      ),
      field(
        t('adm.year'),
        h('input', { name: 'year', type: 'number', min: 2020, max: 2100, value: thisYear() }),
      ),
      field(t('camp.note'), h('input', { name: 'note', maxlength: 500 })),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('camp.start'))),
  );
  wireForm(
    form,
    (fd) => {
      const r = reader(fd);
      const body = { track: r.text('track'), year: r.int('year'), note: r.optionalText('note') };
      if (r.errors.length) throw invalid(r.errors);
      return api.post('/api/v1/admin/campaigns', body);
    },
    onStarted,
  );
  return form;
}

function campaignsTable(items, onCancel) {
  if (!items.length) return h('p', {}, t('camp.none'));
  return dataTable({
    caption: t('camp.title'),
    captionHidden: true,
    cols: [
      { label: t('camp.id') },
      { label: t('camp.track') },
      { label: t('camp.status') },
      { label: t('camp.progress'), num: true },
      { label: t('camp.eligible'), num: true },
      { label: t('camp.emailed'), num: true },
      { label: t('camp.skipped'), num: true },
      { label: t('camp.opened'), num: true },
      { label: t('camp.applications'), num: true },
      { label: t('camp.conversion'), num: true },
      { label: t('camp.createdAt') },
      { label: h('span', { class: 'visually-hidden' }, t('camp.cancel')) },
    ],
    rows: items.map((c) => [
      h('code', { title: c.note ?? '' }, c.id),
      `${fmt.track(c.track)} · ${c.year}`,
      h(
        'span',
        { class: `badge ${CAMPAIGN_BADGE[c.status]}`, title: c.error ?? '' },
        t(`camp.status.${c.status}`),
      ),
      `${c.scanned} (${c.pagesDone})`,
      c.eligible,
      c.emailed,
      `${c.alreadyApplied} / ${c.unsubscribed} / ${c.noContact}`,
      c.opened,
      c.applications,
      c.conversionPct === null ? '—' : `${c.conversionPct}%`,
      fmt.dateTime(c.createdAt),
      c.status === 'RUNNING'
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': t('camp.cancelLabel', { id: c.id }),
              onclick: () => onCancel(c),
            },
            t('camp.cancel'),
          )
        : '',
    ]),
  });
}

page('/admin/campaigns', ['admin'], async ({ session }) => {
  const list = h('div', { 'aria-live': 'polite' });
  const out = h('div', { 'aria-live': 'polite' });
  let timer = null;
  const reload = async () => {
    clearTimeout(timer);
    const { items } = await api.get('/api/v1/admin/campaigns?pageSize=50');
    const running = items.some((c) => c.status === 'RUNNING');
    fill(list, campaignsTable(items, cancel), running ? h('p', { class: 'hint' }, t('camp.auto')) : null);
    // Refresh while a campaign runs and the page is still shown.
    if (running) timer = setTimeout(() => list.isConnected && reload().catch(() => undefined), 3000);
  };
  const cancel = async (c) => {
    try {
      await api.post(`/api/v1/admin/campaigns/${encodeURIComponent(c.id)}/cancel`);
      fill(out, notice(t('camp.cancelled', { id: c.id })));
    } catch (err) {
      fill(out, errorBox(err));
    }
    await reload();
  };
  const form = campaignForm(async (c) => {
    fill(out, notice(t('camp.started', { id: c.id })));
    await reload();
  });
  await reload();
  return [
    h('h1', {}, t('camp.title')),
    subnav(session, '#/admin/campaigns'),
    h('p', {}, t('camp.intro')),
    out,
    form,
    list,
  ];
});
