// Applicant pages: my applications, the enterprise, the application form, one application (also read by
// staff), the follow-up survey from the e-mailed link (public), and the partner bank's referrals (保贷联动).
import { addMessages, has, lang, t } from '../i18n.js';
import {
  ApiError,
  api,
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

/* ---------- domain lists (copied from domain/*.ts; the server checks them again) ---------- */

/** domain/fields.ts FIELDS with FIELD_NAMES. */
const FIELDS = {
  INTEGRATED_CIRCUIT: { zh: '集成电路', en: 'Integrated circuits' },
  COMMERCIAL_AEROSPACE: { zh: '商业航天', en: 'Commercial aerospace' },
  ARTIFICIAL_INTELLIGENCE: { zh: '人工智能', en: 'Artificial intelligence' },
  BIOMEDICINE: { zh: '生物医药', en: 'Biomedicine' },
  NEW_GENERATION_IT: { zh: '新一代信息技术', en: 'New-generation IT' },
  INTELLIGENT_MANUFACTURING: { zh: '智能制造', en: 'Intelligent manufacturing' },
  NEW_ENERGY: { zh: '新能源', en: 'New energy' },
  NEW_MATERIALS: { zh: '新材料', en: 'New materials' },
  OTHER: { zh: '其他', en: 'Other' },
};

/** domain/documents.ts DOCUMENT_TYPES. */
const DOCUMENT_TYPES = {
  APPLICATION_FORM: { zh: '申请表', en: 'Application form' },
  BUSINESS_LICENCE: { zh: '营业执照', en: 'Business licence' },
  CREDIT_REPORT: { zh: '信用报告', en: 'Credit report' },
  FINANCIAL_STATEMENTS: { zh: '上年度财务报表', en: "Last year's financial statements" },
  SOCIAL_INSURANCE_PROOF: { zh: '社保缴纳证明', en: 'Social-insurance proof' },
  POLICY: { zh: '保险单', en: 'Insurance policy' },
  PREMIUM_INVOICE: { zh: '保费发票', en: 'Premium invoice' },
  INSURER_RECEIPT: { zh: '保险公司保费收据', en: "Insurer's premium receipt" },
  PAYMENT_VOUCHER: { zh: '企业付款凭证', en: "Enterprise's payment voucher" },
  QUALIFICATION_CERTIFICATE: { zh: '资质证书', en: 'Qualification certificate' },
  SUPPLEMENT: { zh: '补充材料', en: 'Supplementary material' },
};

const PREMIUM_REIMBURSEMENT = [
  'POLICY',
  'PREMIUM_INVOICE',
  'INSURER_RECEIPT',
  'PAYMENT_VOUCHER',
  'QUALIFICATION_CERTIFICATE',
];
/** domain/documents.ts REQUIRED_DOCUMENTS. */
const REQUIRED_DOCUMENTS = {
  INCLUSIVE: [
    'APPLICATION_FORM',
    'BUSINESS_LICENCE',
    'CREDIT_REPORT',
    'FINANCIAL_STATEMENTS',
    'SOCIAL_INSURANCE_PROOF',
  ],
  SRDI: PREMIUM_REIMBURSEMENT,
  FRONTIER: PREMIUM_REIMBURSEMENT,
};

const TRACKS = ['INCLUSIVE', 'SRDI', 'FRONTIER'];
const SIZES = ['MICRO', 'SMALL', 'MEDIUM', 'LARGE'];
/** domain/status.ts WITHDRAWABLE_STATUSES. */
const WITHDRAWABLE = [
  'SUBMITTED',
  'PRECHECK',
  'INITIAL_REVIEW',
  'NEEDS_INFO',
  'EXPERT_REVIEW',
  'FINAL_APPROVAL',
  'AWAITING_BUDGET',
  'APPROVED',
  'IN_PUBLIC_NOTICE',
];
const FINAL = ['CLOSED', 'REJECTED', 'WITHDRAWN'];
const STAFF = ['reviewer', 'expert', 'approver', 'finance', 'admin'];

/** The server's default limit (DOCUMENT_MAX_BYTES); it refuses larger files with 413 whatever is said here. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

addMessages({
  zh: {
    'nav.my': '我的申请',
    'nav.referrals': '授信推荐',
    'size.MICRO': '微型',
    'size.SMALL': '小型',
    'size.MEDIUM': '中型',
    'size.LARGE': '大型',
    'srdi.NATIONAL': '国家级专精特新“小巨人”',
    'srdi.MUNICIPAL': '北京市专精特新中小企业',
    'payee.INSURER': '保险公司（区财政直接支付统保保费）',
    'payee.ENTERPRISE': '企业（保费补贴拨付至企业账户）',
    'form.check': '请检查标出的项目。',
    'form.amount': '请输入以元为单位的金额，最多两位小数',
    'form.required': '必填',
    'form.yuanHint': '单位：元，例如 2500 或 2,500.00',
    'file.hint': 'PDF、JPEG 或 PNG，每个文件不超过 {mb} MB',
    'file.type': '只接受 PDF、JPEG 或 PNG 文件',
    'file.size': '文件超过 {mb} MB',
    'file.missing': '请选择文件',
    'file.open': '查看',
    'file.openNamed': '查看 {name}',
    'my.title': '我的申请',
    'my.noCode': '您的登录信息中没有统一社会信用代码，无法办理申请。请重新登录。',
    'my.enterprise': '企业信息',
    'my.noEnterprise': '尚未登记企业信息。请先登记企业，然后即可申请补贴。',
    'my.register': '登记企业',
    'my.editEnterprise': '修改企业信息',
    'my.apply': '申请补贴',
    'my.applications': '补贴申请',
    'my.none': '尚无申请。',
    'my.id': '申请编号',
    'my.track': '补贴类别',
    'my.status': '状态',
    'my.subsidy': '补贴金额',
    'my.submittedAt': '提交时间',
    'my.changedAt': '状态更新',
    'my.computedShort': '测算 {amount}',
    'ent.title': '企业信息登记',
    'ent.intro': '以下信息用于申请补贴；登记信息以企业登记系统为准，申报不一致时以登记系统为准。',
    'ent.saved': '企业信息已保存。',
    'ent.name': '企业名称',
    'ent.creditCode': '统一社会信用代码',
    'ent.district': '注册地所在区',
    'ent.districtHint': '本政策支持注册在海淀区的企业',
    'ent.size': '企业规模',
    'ent.foundedOn': '成立日期',
    'ent.mainField': '主营领域',
    'ent.techCertifiedUntil': '科技型中小企业/高新技术企业资格有效期至',
    'ent.optional': '选填',
    'ent.srdiLevel': '专精特新资质',
    'ent.srdiNone': '无',
    'ent.srdiValidUntil': '专精特新资质有效期至',
    'ent.srdiHint': '填写资质时须同时填写有效期',
    'ent.contactEmail': '联系邮箱',
    'ent.contactHint': '审批进度、补充材料通知和跟踪问卷发送至此邮箱',
    'ent.bank': '收款银行账户（选填）',
    'ent.bankHint': '专精特新和专属险类别的补贴拨付至此账户。三项须同时填写。',
    'ent.bankKeep': '已登记：{bank} {number}。留空则保持不变。',
    'ent.bankName': '开户银行',
    'ent.accountName': '账户名称',
    'ent.accountNumber': '银行账号',
    'ent.accountNumberHint': '8–32 位数字',
    'ent.bankIncomplete': '开户银行、账户名称和银行账号须同时填写',
    'apply.title': '申请科技保险补贴',
    'apply.needEnterprise': '请先登记企业信息，然后再申请补贴。',
    'apply.track': '补贴类别',
    'apply.explain.INCLUSIVE':
      '购买区统保产品的科技型中小企业：按保费全额补贴（补贴基数设年度上限，每家企业原则上支持三年）。',
    'apply.explain.SRDI':
      '专精特新企业购买产品目录内的保险：按实际支付保费分级分类补贴，最高 50%，每年设补贴上限。',
    'apply.explain.FRONTIER': '集成电路、商业航天企业购买专属险：按实际支付保费的 50% 补贴，每年设补贴上限。',
    'apply.policy': '保单信息',
    'apply.product': '保险产品',
    'apply.chooseProduct': '请选择产品目录中的产品',
    'apply.productHint': '仅列出适用于所选类别的目录产品',
    'apply.insurerCode': '保险公司代码',
    'apply.insurerHint': '选择产品后自动填写，例如 PICC',
    'apply.policyNumber': '保单号',
    'apply.policyNumberHint': '4–64 位字母、数字、_、- 或 /',
    'apply.startDate': '保险起期',
    'apply.endDate': '保险止期',
    'apply.premium': '保费（元）',
    'apply.paidPremium': '实际支付保费（元）',
    'apply.paidPremiumHint': '不得超过保费；单位：元',
    'apply.paidAt': '保费支付日期',
    'apply.paidAtHint': '补贴年度按支付日期所在年度确定',
    'apply.sumInsured': '保险金额（风险保额，元）',
    'apply.loan': '保贷联动（选填）',
    'apply.loanOptIn': '我同意将企业信息推荐给合作银行，申请科技信贷',
    'apply.loanHint': '申请获批后，系统将企业概况推荐给条件匹配的合作银行，不影响补贴审批。',
    'apply.loanAmount': '拟贷款金额（元）',
    'apply.loanTerm': '贷款期限（月）',
    'apply.loanPurpose': '贷款用途',
    'apply.documents': '申报材料',
    'apply.documentsHint': '所选类别须提交以下全部材料；缺少材料的申请将在自动预审中被退回。',
    'apply.submit': '提交申请',
    'apply.uploading': '正在上传材料…',
    'apply.submitted': '申请 {id} 已提交，系统正在自动预审。',
    'appview.title': '申请 {id}',
    'appview.status': '办理状态',
    'appview.next': '下一步',
    'appview.task': '当前环节',
    'appview.due': '办理时限',
    'appview.overdue': '已超时',
    'appview.refresh': '刷新状态',
    'appview.subsidy': '补贴测算',
    'appview.computed': '测算补贴',
    'appview.granted': '核定补贴',
    'appview.rate': '补贴比例',
    'appview.base': '补贴基数',
    'appview.year': '补贴年度',
    'appview.payee': '拨付对象',
    'appview.reasons': '说明',
    'appview.blocking': '不符合条件',
    'appview.note': '说明',
    'appview.details': '申请内容',
    'appview.enterprise': '企业',
    'appview.policy': '保单',
    'appview.period': '保险期间',
    'appview.loan': '保贷联动',
    'appview.loanNone': '未申请',
    'appview.loanValue': '{amount}，{term} 个月，用途：{purpose}',
    'appview.loanChange': '修改贷款需求',
    'appview.loanChangeHint': '银行推荐开始前可以修改或撤回贷款需求。',
    'appview.loanSave': '保存贷款需求',
    'appview.loanWithdraw': '撤回贷款需求',
    'appview.loanSaved': '贷款需求已更新。',
    'appview.loanWithdrawn': '已撤回贷款需求。',
    'appview.loanStarted': '已推荐给合作银行，贷款需求不能再修改。',
    'appview.info': '需要补充材料',
    'appview.infoDeadline': '请于 {deadline}（北京时间）前补充。逾期未补充，申请将自动撤回。',
    'appview.supplement': '提交补充材料',
    'appview.supplementMessage': '补充说明',
    'appview.supplementType': '材料类型',
    'appview.supplementFiles': '补充材料文件（可多选，选填）',
    'appview.supplemented': '补充材料已提交，申请已回到审核环节。',
    'appview.documents': '申报材料',
    'appview.docType': '类型',
    'appview.docName': '文件名',
    'appview.docSize': '大小',
    'appview.docAt': '上传时间',
    'appview.payments': '拨付记录',
    'appview.attempt': '次序',
    'appview.payStatus': '状态',
    'appview.amount': '金额',
    'appview.requestedAt': '发起时间',
    'appview.settledAt': '完成时间',
    'appview.failure': '失败原因',
    'appview.timeline': '办理记录',
    'appview.withdraw': '撤回申请',
    'appview.withdrawStart': '撤回申请…',
    'appview.withdrawWarn': '撤回后本申请终止，不能恢复；同一保单可重新申请。',
    'appview.withdrawReason': '撤回原因',
    'appview.withdrawConfirm': '确认撤回',
    'appview.withdrawn': '申请已撤回。',
    'next.SUBMITTED': '已收到申请，系统即将自动核验企业登记信息和保单。',
    'next.PRECHECK': '系统正在向企业登记系统和保险公司核验信息，通常几分钟内完成。',
    'next.INITIAL_REVIEW': '审核人员正在进行形式审查。如需补充材料，我们会通过邮件和本页面通知您。',
    'next.NEEDS_INFO': '审核人员需要您补充材料。请在截止时间前在本页面提交；逾期未补充，申请将自动撤回。',
    'next.EXPERT_REVIEW': '鉴定评估中心的专家正在进行风险评估。',
    'next.FINAL_APPROVAL': '审批人员正在终审。',
    'next.AWAITING_BUDGET': '申请已通过审批，正在等待年度预算安排；预算到位后自动继续，无需您操作。',
    'next.APPROVED': '申请已批准，将在下一批次中公示。',
    'next.IN_PUBLIC_NOTICE': '正在公示。公示期满无异议后将拨付补贴资金。',
    'next.DISBURSING': '正在拨付补贴资金。',
    'next.PAYMENT_FAILED': '拨付未成功，区财政局正在处理。如收款账户有误，请更新企业信息中的银行账户。',
    'next.PAID': '补贴已拨付。之后我们会通过邮件请您填写跟踪问卷。',
    'next.TRACKING': '补贴已拨付，处于跟踪评估期，请留意邮件中的问卷。',
    'next.CLOSED': '申请已办结。',
    'next.REJECTED': '申请未通过，原因见下方说明。',
    'next.WITHDRAWN': '申请已撤回，本申请不再办理。',
    'action.SUBMITTED': '提交申请',
    'action.PRECHECK_STARTED': '开始自动预审',
    'action.PRECHECK_DONE': '自动预审完成',
    'action.TASK_OPENED': '进入审核环节',
    'action.TASK_ASSIGNED': '分派审核人员',
    'action.TASK_CLAIMED': '审核人员受理',
    'action.TASK_UNCLAIMED': '退回待受理',
    'action.TASK_DONE': '环节办结',
    'action.TASK_OVERDUE': '环节超时提醒',
    'action.DECISION': '审核意见',
    'action.SUPPLEMENT_RECEIVED': '收到补充材料',
    'action.WITHDRAWN': '申请撤回',
    'action.CANCELLED': '管理部门撤销',
    'action.GRANT_RESERVED': '预留补贴资金',
    'action.PUBLISHED': '公示',
    'action.OBJECTION_FILED': '收到异议',
    'action.NOTICE_CLOSED': '公示结束',
    'action.DISBURSING': '开始拨付',
    'action.PAID': '拨付完成',
    'action.PAYMENT_FAILED': '拨付失败',
    'action.TRACKING': '进入跟踪评估',
    'action.SURVEY_SENT': '发送跟踪问卷',
    'action.RENEWAL_REMINDER': '续保提醒',
    'action.CLOSED': '办结',
    'action.LOAN_INTEREST_SET': '登记贷款需求',
    'action.LOAN_INTEREST_WITHDRAWN': '撤回贷款需求',
    'action.BANK_MATCHING': '保贷联动',
    'action.BANK_MATCHING_STARTED': '开始银行推荐',
    'action.BANK_REFERRALS_SENT': '推荐给合作银行',
    'action.BANK_RESPONSE': '银行答复',
    'action.BANK_REFERRALS_EXPIRED': '银行答复期满',
    'action.BANK_OFFERS_SENT': '告知授信意向',
    'survey.title': '科技保险补贴跟踪问卷',
    'survey.intro': '{name}（申请 {id}）第 {round} 次跟踪问卷。您的答复用于评估政策效果。',
    'survey.expired': '该问卷链接已过期。如需补充反馈，请联系区金融管理局。',
    'survey.invalid': '该问卷链接无效。请使用邮件中的完整链接。',
    'survey.already': '该问卷已经答复，感谢您的反馈。每份问卷只能答复一次。',
    'survey.rdProgress': '研发进展',
    'survey.rdProgressHint': '投保以来的研发或成果转化进展',
    'survey.claimsFiled': '报案/理赔申请次数',
    'survey.claimsPaid': '已获赔款（元）',
    'survey.loans': '获得贷款（元）',
    'survey.loansHint': '投保以来获得的银行贷款总额，没有填 0',
    'survey.comment': '意见和建议（选填）',
    'survey.submit': '提交问卷',
    'survey.thanks': '问卷已提交，感谢您的反馈。',
    'referrals.title': '授信推荐',
    'referrals.intro': '以下企业已获科技保险补贴并申请科技信贷（保贷联动）。请在答复期限前给出授信意见。',
    'referrals.none': '目前没有推荐给贵行的企业。',
    'referrals.status.SENT': '待答复',
    'referrals.status.GRANTED': '已授信',
    'referrals.status.DECLINED': '未授信',
    'referrals.status.EXPIRED': '答复期已过',
    'referrals.late': '逾期答复',
    'referrals.deadline': '答复期限',
    'referrals.enterprise': '企业',
    'referrals.profile': '企业概况',
    'referrals.size': '规模',
    'referrals.field': '主营领域',
    'referrals.foundedOn': '成立日期',
    'referrals.contact': '联系邮箱',
    'referrals.track': '补贴类别',
    'referrals.granted': '核定补贴',
    'referrals.sumInsured': '风险保额',
    'referrals.policyEnd': '保单止期',
    'referrals.loan': '贷款需求',
    'referrals.loanValue': '{amount}，{term} 个月',
    'referrals.purpose': '用途',
    'referrals.answer': '授信意见',
    'referrals.decision': '意见',
    'referrals.grant': '同意授信',
    'referrals.decline': '不予授信',
    'referrals.creditLine': '授信额度（元）',
    'referrals.rate': '年利率（%）',
    'referrals.rateHint': '例如 3.2 表示 3.20%',
    'referrals.rateFormat': '请输入百分比，最多两位小数，例如 3.2',
    'referrals.term': '期限（月）',
    'referrals.note': '备注（选填）',
    'referrals.send': '提交意见',
    'referrals.sent': '已提交对 {name} 的授信意见。',
    'referrals.response': '已答复',
    'referrals.responseGranted': '授信额度 {line}，年利率 {rate}，期限 {term} 个月',
    'referrals.respondedAt': '答复时间',
  },
  en: {
    'nav.my': 'My applications',
    'nav.referrals': 'Referrals',
    'size.MICRO': 'Micro',
    'size.SMALL': 'Small',
    'size.MEDIUM': 'Medium',
    'size.LARGE': 'Large',
    'srdi.NATIONAL': 'National SRDI "little giant"',
    'srdi.MUNICIPAL': 'Beijing municipal SRDI enterprise',
    'payee.INSURER': 'The insurer (the district pays the group premium)',
    'payee.ENTERPRISE': 'The enterprise (paid to its bank account)',
    'form.check': 'Please check the marked fields.',
    'form.amount': 'enter an amount in yuan, at most two decimals',
    'form.required': 'required',
    'form.yuanHint': 'In yuan, e.g. 2500 or 2,500.00',
    'file.hint': 'PDF, JPEG or PNG, at most {mb} MB each',
    'file.type': 'only PDF, JPEG or PNG files are accepted',
    'file.size': 'the file is larger than {mb} MB',
    'file.missing': 'choose a file',
    'file.open': 'View',
    'file.openNamed': 'View {name}',
    'my.title': 'My applications',
    'my.noCode':
      'Your sign-in carries no unified social credit code, so you cannot apply. Please sign in again.',
    'my.enterprise': 'Enterprise',
    'my.noEnterprise': 'Your enterprise is not registered yet. Register it, then you can apply.',
    'my.register': 'Register the enterprise',
    'my.editEnterprise': 'Edit the enterprise',
    'my.apply': 'Apply for a subsidy',
    'my.applications': 'Applications',
    'my.none': 'No applications yet.',
    'my.id': 'Application',
    'my.track': 'Track',
    'my.status': 'Status',
    'my.subsidy': 'Subsidy',
    'my.submittedAt': 'Submitted',
    'my.changedAt': 'Status changed',
    'my.computedShort': 'computed {amount}',
    'ent.title': 'Register the enterprise',
    'ent.intro':
      "These facts are used for your applications; the enterprise registry's record prevails where they differ.",
    'ent.saved': 'The enterprise is saved.',
    'ent.name': 'Enterprise name',
    'ent.creditCode': 'Unified social credit code',
    'ent.district': 'District of registration',
    'ent.districtHint': 'The programme supports enterprises registered in Haidian District',
    'ent.size': 'Size',
    'ent.foundedOn': 'Founded on',
    'ent.mainField': 'Main field',
    'ent.techCertifiedUntil': 'Tech-SME / high-tech certificate valid until',
    'ent.optional': 'optional',
    'ent.srdiLevel': 'SRDI qualification',
    'ent.srdiNone': 'None',
    'ent.srdiValidUntil': 'SRDI qualification valid until',
    'ent.srdiHint': 'A qualification needs its expiry date',
    'ent.contactEmail': 'Contact e-mail',
    'ent.contactHint': 'Status updates, information requests and surveys are sent here',
    'ent.bank': 'Bank account for payments (optional)',
    'ent.bankHint': 'SRDI and frontier subsidies are paid to this account. Fill in all three or none.',
    'ent.bankKeep': 'On record: {bank} {number}. Leave empty to keep it.',
    'ent.bankName': 'Bank',
    'ent.accountName': 'Account name',
    'ent.accountNumber': 'Account number',
    'ent.accountNumberHint': '8–32 digits',
    'ent.bankIncomplete': 'bank, account name and account number go together',
    'apply.title': 'Apply for a technology-insurance subsidy',
    'apply.needEnterprise': 'Register your enterprise first, then apply.',
    'apply.track': 'Track',
    'apply.explain.INCLUSIVE':
      "Tech SMEs insured under the district's group product: the premium in full (base capped per year, three years at most).",
    'apply.explain.SRDI':
      'SRDI enterprises buying catalog products: a graded share of the premium paid, at most 50 %, with a yearly cap.',
    'apply.explain.FRONTIER':
      'Integrated-circuit and commercial-aerospace enterprises buying exclusive products: 50 % of the premium paid, with a yearly cap.',
    'apply.policy': 'Policy',
    'apply.product': 'Insurance product',
    'apply.chooseProduct': 'Choose a catalog product',
    'apply.productHint': 'Only catalog products of the chosen track are listed',
    'apply.insurerCode': 'Insurer code',
    'apply.insurerHint': 'Filled in from the product, e.g. PICC',
    'apply.policyNumber': 'Policy number',
    'apply.policyNumberHint': '4–64 letters, digits, _, - or /',
    'apply.startDate': 'Cover starts',
    'apply.endDate': 'Cover ends',
    'apply.premium': 'Premium (CNY)',
    'apply.paidPremium': 'Premium actually paid (CNY)',
    'apply.paidPremiumHint': 'Not more than the premium; in yuan',
    'apply.paidAt': 'Premium paid on',
    'apply.paidAtHint': 'The subsidy year is the year of payment',
    'apply.sumInsured': 'Sum insured (risk coverage, CNY)',
    'apply.loan': 'Bank matching (optional)',
    'apply.loanOptIn': 'Refer my enterprise to the partner banks for a technology loan',
    'apply.loanHint':
      'Once approved, the enterprise profile goes to the partner banks whose criteria match; the subsidy does not wait for them.',
    'apply.loanAmount': 'Loan amount (CNY)',
    'apply.loanTerm': 'Term (months)',
    'apply.loanPurpose': 'Purpose of the loan',
    'apply.documents': 'Documents',
    'apply.documentsHint':
      'The chosen track needs all of the documents below; an application without one is refused at the precheck.',
    'apply.submit': 'Submit the application',
    'apply.uploading': 'Uploading the documents…',
    'apply.submitted': 'Application {id} is submitted and being prechecked.',
    'appview.title': 'Application {id}',
    'appview.status': 'Status',
    'appview.next': 'What happens next',
    'appview.task': 'Current step',
    'appview.due': 'Due',
    'appview.overdue': 'overdue',
    'appview.refresh': 'Refresh',
    'appview.subsidy': 'Subsidy',
    'appview.computed': 'Computed',
    'appview.granted': 'Granted',
    'appview.rate': 'Rate',
    'appview.base': 'Base',
    'appview.year': 'Subsidy year',
    'appview.payee': 'Paid to',
    'appview.reasons': 'Notes',
    'appview.blocking': 'Not eligible',
    'appview.note': 'Note',
    'appview.details': 'The application',
    'appview.enterprise': 'Enterprise',
    'appview.policy': 'Policy',
    'appview.period': 'Cover',
    'appview.loan': 'Bank matching',
    'appview.loanNone': 'not requested',
    'appview.loanValue': '{amount}, {term} months, for: {purpose}',
    'appview.loanChange': 'Change the loan request',
    'appview.loanChangeHint':
      'You may change or withdraw the loan request until the referral to the banks starts.',
    'appview.loanSave': 'Save the loan request',
    'appview.loanWithdraw': 'Withdraw the loan request',
    'appview.loanSaved': 'The loan request is updated.',
    'appview.loanWithdrawn': 'The loan request is withdrawn.',
    'appview.loanStarted':
      'The enterprise has been referred to the banks; the loan request can no longer change.',
    'appview.info': 'Information requested',
    'appview.infoDeadline':
      'Please answer by {deadline} (Beijing time). Without an answer, the application is withdrawn.',
    'appview.supplement': 'Send the supplement',
    'appview.supplementMessage': 'Your answer',
    'appview.supplementType': 'Document type',
    'appview.supplementFiles': 'Files (several allowed, optional)',
    'appview.supplemented': 'The supplement is sent; the application is back in review.',
    'appview.documents': 'Documents',
    'appview.docType': 'Type',
    'appview.docName': 'File',
    'appview.docSize': 'Size',
    'appview.docAt': 'Uploaded',
    'appview.payments': 'Payments',
    'appview.attempt': 'Attempt',
    'appview.payStatus': 'Status',
    'appview.amount': 'Amount',
    'appview.requestedAt': 'Requested',
    'appview.settledAt': 'Settled',
    'appview.failure': 'Failure',
    'appview.timeline': 'History',
    'appview.withdraw': 'Withdraw the application',
    'appview.withdrawStart': 'Withdraw…',
    'appview.withdrawWarn':
      'A withdrawn application ends for good; the same policy may be submitted again in a new application.',
    'appview.withdrawReason': 'Why do you withdraw?',
    'appview.withdrawConfirm': 'Yes, withdraw',
    'appview.withdrawn': 'The application is withdrawn.',
    'next.SUBMITTED': 'Received. The registry record and the policy are checked automatically next.',
    'next.PRECHECK':
      'The enterprise registry and the insurer are being asked to confirm the facts; this usually takes minutes.',
    'next.INITIAL_REVIEW':
      'A reviewer checks the application. If anything is missing, you are told by e-mail and on this page.',
    'next.NEEDS_INFO':
      'The reviewer needs more from you. Answer on this page before the deadline, or the application is withdrawn.',
    'next.EXPERT_REVIEW': 'Experts of the appraisal centre assess the risk.',
    'next.FINAL_APPROVAL': 'An approver takes the final decision.',
    'next.AWAITING_BUDGET':
      'Approved, waiting for this year’s budget; it continues by itself once funds are available.',
    'next.APPROVED': 'Approved. It will be published in the next public notice.',
    'next.IN_PUBLIC_NOTICE':
      'In public notice. Without an upheld objection, the subsidy is paid when it ends.',
    'next.DISBURSING': 'The subsidy is being paid.',
    'next.PAYMENT_FAILED':
      'The payment failed and the finance bureau is on it. If the bank account is wrong, update it on the enterprise page.',
    'next.PAID': 'The subsidy is paid. We will e-mail you a short follow-up survey later.',
    'next.TRACKING': 'Paid; in the follow-up period. Watch for the survey e-mails.',
    'next.CLOSED': 'The case is closed.',
    'next.REJECTED': 'The application was not successful; the reasons are below.',
    'next.WITHDRAWN': 'The application was withdrawn and is no longer processed.',
    'action.SUBMITTED': 'Submitted',
    'action.PRECHECK_STARTED': 'Precheck started',
    'action.PRECHECK_DONE': 'Precheck done',
    'action.TASK_OPENED': 'Review step opened',
    'action.TASK_ASSIGNED': 'Reviewer assigned',
    'action.TASK_CLAIMED': 'Taken up by a reviewer',
    'action.TASK_UNCLAIMED': 'Returned to the queue',
    'action.TASK_DONE': 'Step completed',
    'action.TASK_OVERDUE': 'Step overdue',
    'action.DECISION': 'Decision',
    'action.SUPPLEMENT_RECEIVED': 'Supplement received',
    'action.WITHDRAWN': 'Withdrawn',
    'action.CANCELLED': 'Cancelled by the administration',
    'action.GRANT_RESERVED': 'Grant reserved',
    'action.PUBLISHED': 'Published',
    'action.OBJECTION_FILED': 'Objection filed',
    'action.NOTICE_CLOSED': 'Notice ended',
    'action.DISBURSING': 'Payment started',
    'action.PAID': 'Paid',
    'action.PAYMENT_FAILED': 'Payment failed',
    'action.TRACKING': 'Follow-up started',
    'action.SURVEY_SENT': 'Survey sent',
    'action.RENEWAL_REMINDER': 'Renewal reminder',
    'action.CLOSED': 'Closed',
    'action.LOAN_INTEREST_SET': 'Loan request recorded',
    'action.LOAN_INTEREST_WITHDRAWN': 'Loan request withdrawn',
    'action.BANK_MATCHING': 'Bank matching',
    'action.BANK_MATCHING_STARTED': 'Bank matching started',
    'action.BANK_REFERRALS_SENT': 'Referred to partner banks',
    'action.BANK_RESPONSE': 'A bank answered',
    'action.BANK_REFERRALS_EXPIRED': 'Bank answers closed',
    'action.BANK_OFFERS_SENT': 'Offers sent',
    'survey.title': 'Technology-insurance subsidy follow-up survey',
    'survey.intro': '{name} (application {id}), survey {round}. Your answers help evaluate the programme.',
    'survey.expired':
      'This survey link has expired. Please contact the district finance office to give feedback.',
    'survey.invalid': 'This survey link is not valid. Please use the complete link from the e-mail.',
    'survey.already': 'This survey has already been answered. Thank you; each survey takes one answer only.',
    'survey.rdProgress': 'R&D progress',
    'survey.rdProgressHint': 'Progress in research or technology transfer since the policy started',
    'survey.claimsFiled': 'Claims filed',
    'survey.claimsPaid': 'Claims paid (CNY)',
    'survey.loans': 'Loans obtained (CNY)',
    'survey.loansHint': 'Bank loans obtained since the policy started; 0 if none',
    'survey.comment': 'Comments (optional)',
    'survey.submit': 'Send the survey',
    'survey.thanks': 'Thank you, your answers are recorded.',
    'referrals.title': 'Referrals',
    'referrals.intro':
      'These subsidised enterprises asked for a technology loan (bank matching). Please answer before the deadline.',
    'referrals.none': 'No enterprise has been referred to your bank.',
    'referrals.status.SENT': 'Awaiting your answer',
    'referrals.status.GRANTED': 'Credit granted',
    'referrals.status.DECLINED': 'Declined',
    'referrals.status.EXPIRED': 'Deadline passed',
    'referrals.late': 'answered late',
    'referrals.deadline': 'Answer by',
    'referrals.enterprise': 'Enterprise',
    'referrals.profile': 'Profile',
    'referrals.size': 'Size',
    'referrals.field': 'Main field',
    'referrals.foundedOn': 'Founded',
    'referrals.contact': 'Contact',
    'referrals.track': 'Subsidy track',
    'referrals.granted': 'Subsidy granted',
    'referrals.sumInsured': 'Risk coverage',
    'referrals.policyEnd': 'Policy ends',
    'referrals.loan': 'Loan request',
    'referrals.loanValue': '{amount}, {term} months',
    'referrals.purpose': 'Purpose',
    'referrals.answer': 'Your answer',
    'referrals.decision': 'Decision',
    'referrals.grant': 'Grant credit',
    'referrals.decline': 'Decline',
    'referrals.creditLine': 'Credit line (CNY)',
    'referrals.rate': 'Annual rate (%)',
    'referrals.rateHint': 'e.g. 3.2 for 3.20 %',
    'referrals.rateFormat': 'enter a percentage with at most two decimals, e.g. 3.2',
    'referrals.term': 'Term (months)',
    'referrals.note': 'Note (optional)',
    'referrals.send': 'Send the answer',
    'referrals.sent': 'Your answer about {name} is recorded.',
    'referrals.response': 'Answered',
    'referrals.responseGranted': 'credit line {line}, annual rate {rate}, {term} months',
    'referrals.respondedAt': 'Answered on',
  },
});

/* ---------- helpers ---------- */

const named = (names, code) => names[code]?.[lang()] ?? names[code]?.zh ?? code;
const fieldName = (code) => named(FIELDS, code);
const docName = (code) => named(DOCUMENT_TYPES, code);
const str = (fd, name) => String(fd.get(name) ?? '').trim();
const optional = (fd, name) => str(fd, name) || undefined;
const mb = MAX_FILE_BYTES / 1024 / 1024;
const fenToYuan = (fen) => (fen === null || fen === undefined ? '' : (fen / 100).toFixed(2));
const enc = encodeURIComponent;

/** A message shown once on the next page drawn (after a redirect). */
let flash = null;
const takeFlash = () => {
  const f = flash;
  flash = null;
  return f ? notice(f) : null;
};

const STATUS_CLASS = {
  APPROVED: 'ok',
  IN_PUBLIC_NOTICE: 'ok',
  DISBURSING: 'ok',
  PAID: 'ok',
  TRACKING: 'ok',
  CLOSED: 'ok',
  NEEDS_INFO: 'warn',
  AWAITING_BUDGET: 'warn',
  PAYMENT_FAILED: 'bad',
  REJECTED: 'bad',
};
const statusBadge = (s) => h('span', { class: `badge ${STATUS_CLASS[s] ?? ''}` }, fmt.status(s));

/** A refusal found before anything is sent, shown and marked like the server's own 400. */
const clientError = (details) =>
  new ApiError(400, { error: { code: 'VALIDATION_FAILED', message: t('form.check'), details } });

/** Reads a yuan amount field as fen; records a problem in `details` when it is not an amount. */
function fenOf(fd, name, details, { optional: opt = false } = {}) {
  const raw = str(fd, name);
  if (!raw && opt) return undefined;
  const fen = yuanToFen(raw);
  if (fen === null) {
    details.push({ path: `body.${name}`, message: raw ? t('form.amount') : t('form.required') });
    return undefined;
  }
  return fen;
}

/** Why a chosen file would be refused, or null (the server checks the content again). */
function fileProblem(file) {
  const typeOk =
    ['application/pdf', 'image/jpeg', 'image/png'].includes(file.type) ||
    /\.(pdf|jpe?g|png)$/i.test(file.name);
  if (!typeOk) return t('file.type');
  if (file.size > MAX_FILE_BYTES) return t('file.size', { mb });
  return null;
}

/** A labelled file input that checks the chosen files at once and says what is wrong next to it. */
function labelledFileInput(label, name, { required = false, multiple = false } = {}) {
  const input = h('input', { type: 'file', name, accept: ACCEPT, required, multiple });
  const wrapper = field(label, input, t('file.hint', { mb }));
  const problem = h('small', { id: `${input.id}-problem`, class: 'file-problem', 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} ${problem.id}`);
  input.addEventListener('change', () => {
    const bad = [...input.files].map(fileProblem).find(Boolean);
    if (bad) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    fill(problem, bad ?? '');
  });
  wrapper.append(problem);
  return { input, wrapper };
}

/** Uploaded files of this page visit, so that a corrected form does not upload the same file twice. */
const uploaded = new Map();
async function upload(type, file, fieldPath) {
  const key = `${type}|${file.name}|${file.size}|${file.lastModified}`;
  if (uploaded.has(key)) return uploaded.get(key);
  const fd = new FormData();
  fd.append('type', type);
  fd.append('file', file, file.name);
  try {
    const doc = await api.post('/api/v1/documents', fd);
    uploaded.set(key, doc.id);
    return doc.id;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    throw new ApiError(err.status, {
      error: {
        code: err.code,
        message: `${docName(type)}（${file.name}）：${err.message}`,
        details: [{ path: fieldPath, message: err.details?.[0]?.message ?? err.message }],
      },
    });
  }
}

/** A deadline at midnight is shown as 24:00 of the day before, as the e-mails say it. */
function deadlineText(iso) {
  const at = fmt.dateTime(iso);
  if (!at.endsWith(' 00:00')) return at;
  return `${fmt.date(new Date(Date.parse(iso) - 1).toISOString())} 24:00`;
}

const sizeText = (n) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

const facts = (rows) =>
  h(
    'dl',
    { class: 'facts' },
    rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]),
  );

const reasonText = (r) => r?.[lang()] ?? r?.zh ?? r?.code ?? String(r);

/* ---------- my applications ---------- */

navLink(['applicant'], '#/my', 'nav.my');
navLink(['bank'], '#/bank', 'nav.referrals');

async function enterpriseOf(creditCode) {
  try {
    return await api.get(`/api/v1/enterprises/${enc(creditCode)}`);
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

page('/my', ['applicant'], async ({ session: s, query }) => {
  const title = h('h1', {}, t('my.title'));
  if (!s.creditCode) return [title, h('div', { class: 'alert warn', role: 'status' }, t('my.noCode'))];
  const pageNo = Math.max(1, Number(query.page) || 1);
  const [ent, list] = await Promise.all([
    enterpriseOf(s.creditCode),
    api.get(`/api/v1/applications?page=${pageNo}&pageSize=50`),
  ]);
  const pages = Math.max(1, Math.ceil(list.total / (list.pageSize || 50)));
  const entCard = ent
    ? h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-ent' },
        h('h2', { id: 'my-ent' }, t('my.enterprise')),
        facts([
          [t('ent.name'), ent.name],
          [t('ent.creditCode'), h('code', {}, ent.creditCode)],
          [t('ent.size'), t(`size.${ent.size}`)],
          [t('ent.mainField'), fieldName(ent.mainField)],
          [t('ent.contactEmail'), ent.contactEmail],
          ent.srdiLevel
            ? [t('ent.srdiLevel'), `${t(`srdi.${ent.srdiLevel}`)}（${ent.srdiValidUntil}）`]
            : null,
          ent.bankAccount
            ? [t('ent.bank'), `${ent.bankAccount.bankName} ${ent.bankAccount.accountNumber}`]
            : null,
        ]),
        h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button secondary', href: '#/enterprise' }, t('my.editEnterprise')),
          h('a', { class: 'button', href: '#/apply' }, t('my.apply')),
        ),
      )
    : h(
        'section',
        { class: 'card', 'aria-labelledby': 'my-ent' },
        h('h2', { id: 'my-ent' }, t('my.enterprise')),
        h('div', { class: 'alert warn', role: 'status' }, t('my.noEnterprise')),
        h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/enterprise' }, t('my.register'))),
      );
  const table =
    list.items.length === 0
      ? h('p', {}, t('my.none'))
      : [
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'my-apps' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, t('my.id')),
                  h('th', { scope: 'col' }, t('my.track')),
                  h('th', { scope: 'col' }, t('my.status')),
                  h('th', { scope: 'col', class: 'num' }, t('my.subsidy')),
                  h('th', { scope: 'col' }, t('my.submittedAt')),
                  h('th', { scope: 'col' }, t('my.changedAt')),
                ),
              ),
              h(
                'tbody',
                {},
                list.items.map((a) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, h('a', { href: `#/applications/${enc(a.id)}` }, a.id)),
                    h('td', {}, fmt.track(a.track)),
                    h('td', {}, statusBadge(a.status)),
                    h(
                      'td',
                      { class: 'num' },
                      a.grantedFen !== null && a.grantedFen !== undefined
                        ? fmt.fen(a.grantedFen)
                        : a.computedFen !== null && a.computedFen !== undefined
                          ? h(
                              'span',
                              { class: 'muted' },
                              t('my.computedShort', { amount: fmt.fen(a.computedFen) }),
                            )
                          : '—',
                    ),
                    h('td', {}, fmt.dateTime(a.createdAt)),
                    h('td', {}, fmt.dateTime(a.statusChangedAt)),
                  ),
                ),
              ),
            ),
          ),
          pages > 1
            ? h(
                'nav',
                { class: 'pager', 'aria-label': t('common.page', { page: pageNo, pages }) },
                pageNo > 1 ? h('a', { href: `#/my?page=${pageNo - 1}` }, t('common.previous')) : null,
                h('span', {}, t('common.page', { page: pageNo, pages })),
                pageNo < pages ? h('a', { href: `#/my?page=${pageNo + 1}` }, t('common.next')) : null,
              )
            : null,
        ];
  return [
    title,
    takeFlash(),
    entCard,
    h(
      'section',
      { 'aria-labelledby': 'my-apps' },
      h('h2', { id: 'my-apps' }, t('my.applications'), ' ', h('span', { class: 'muted' }, `(${list.total})`)),
      table,
    ),
  ];
});

/* ---------- the enterprise ---------- */

page('/enterprise', ['applicant'], async ({ session: s }) => {
  const title = h('h1', {}, t('ent.title'));
  if (!s.creditCode) return [title, h('div', { class: 'alert warn', role: 'status' }, t('my.noCode'))];
  const ent = await enterpriseOf(s.creditCode);
  const v = ent ?? { district: '海淀区', size: 'SMALL', mainField: '' };
  const opt = (label) => `${label}（${t('ent.optional')}）`;
  const form = h(
    'form',
    { class: 'card ent-form' },
    h('p', { class: 'muted' }, t('ent.intro')),
    field(t('ent.creditCode'), h('input', { value: s.creditCode, readonly: true, class: 'code' })),
    h(
      'div',
      { class: 'grid' },
      field(t('ent.name'), h('input', { name: 'name', required: true, maxlength: 200, value: v.name ?? '' })),
      field(
        t('ent.district'),
        h('input', { name: 'district', required: true, maxlength: 50, value: v.district ?? '' }),
        t('ent.districtHint'),
      ),
      field(
        t('ent.size'),
        select(
          'size',
          SIZES.map((z) => [z, t(`size.${z}`)]),
          v.size,
          { required: true },
        ),
      ),
      field(
        t('ent.foundedOn'),
        h('input', { name: 'foundedOn', type: 'date', required: true, value: v.foundedOn ?? '' }),
      ),
      field(
        t('ent.mainField'),
        select('mainField', [['', '—'], ...Object.keys(FIELDS).map((f) => [f, fieldName(f)])], v.mainField, {
          required: true,
        }),
      ),
      field(
        t('ent.contactEmail'),
        h('input', {
          name: 'contactEmail',
          type: 'email',
          required: true,
          maxlength: 254,
          autocomplete: 'email',
          value: v.contactEmail ?? '',
        }),
        t('ent.contactHint'),
      ),
      field(
        opt(t('ent.techCertifiedUntil')),
        h('input', { name: 'techCertifiedUntil', type: 'date', value: v.techCertifiedUntil ?? '' }),
      ),
      field(
        opt(t('ent.srdiLevel')),
        select(
          'srdiLevel',
          [
            ['', t('ent.srdiNone')],
            ['NATIONAL', t('srdi.NATIONAL')],
            ['MUNICIPAL', t('srdi.MUNICIPAL')],
          ],
          v.srdiLevel,
        ),
      ),
      field(
        opt(t('ent.srdiValidUntil')),
        h('input', { name: 'srdiValidUntil', type: 'date', value: v.srdiValidUntil ?? '' }),
        t('ent.srdiHint'),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('ent.bank')),
      h(
        'p',
        { class: 'hint' },
        t('ent.bankHint'),
        ent?.bankAccount
          ? [
              ' ',
              t('ent.bankKeep', { bank: ent.bankAccount.bankName, number: ent.bankAccount.accountNumber }),
            ]
          : null,
      ),
      h(
        'div',
        { class: 'grid' },
        field(t('ent.bankName'), h('input', { name: 'bankAccount.bankName', maxlength: 100 })),
        field(t('ent.accountName'), h('input', { name: 'bankAccount.accountName', maxlength: 200 })),
        field(
          t('ent.accountNumber'),
          h('input', {
            name: 'bankAccount.accountNumber',
            inputmode: 'numeric',
            pattern: '\\d{8,32}',
            maxlength: 32,
            autocomplete: 'off',
          }),
          t('ent.accountNumberHint'),
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, t('common.save')),
      h('a', { class: 'button secondary', href: '#/my' }, t('common.back')),
    ),
  );
  onSubmit(
    form,
    async (fd) => {
      const body = {
        name: str(fd, 'name'),
        district: str(fd, 'district'),
        size: str(fd, 'size'),
        foundedOn: str(fd, 'foundedOn'),
        mainField: str(fd, 'mainField'),
        contactEmail: str(fd, 'contactEmail'),
        techCertifiedUntil: optional(fd, 'techCertifiedUntil'),
        srdiLevel: optional(fd, 'srdiLevel'),
        srdiValidUntil: optional(fd, 'srdiValidUntil'),
      };
      const account = ['bankName', 'accountName', 'accountNumber'].map((k) => str(fd, `bankAccount.${k}`));
      if (account.some(Boolean)) {
        if (!account.every(Boolean)) {
          throw clientError(
            ['bankName', 'accountName', 'accountNumber']
              .filter((_, i) => !account[i])
              .map((k) => ({ path: `body.bankAccount.${k}`, message: t('ent.bankIncomplete') })),
          );
        }
        const [bankName, accountName, accountNumber] = account;
        body.bankAccount = { bankName, accountName, accountNumber };
      }
      return api.put(`/api/v1/enterprises/${enc(s.creditCode)}`, body);
    },
    () => {
      flash = t('ent.saved');
      go('#/my');
    },
  );
  return [title, form];
});

/* ---------- the application form ---------- */

/** The catalog products that fit a track (the precheck decides; this only narrows the choice). */
function productsFor(catalog, track) {
  const fits = catalog.filter((p) =>
    track === 'INCLUSIVE'
      ? p.kind === 'GROUP_INCLUSIVE'
      : track === 'FRONTIER'
        ? p.kind === 'CATALOG' && p.exclusiveFields?.length > 0
        : p.kind === 'CATALOG',
  );
  return fits.length ? fits : catalog;
}

function guessTrack(ent) {
  if (ent.srdiLevel) return 'SRDI';
  if (['INTEGRATED_CIRCUIT', 'COMMERCIAL_AEROSPACE'].includes(ent.mainField)) return 'FRONTIER';
  return 'INCLUSIVE';
}

page('/apply', ['applicant'], async ({ session: s, query }) => {
  const title = h('h1', {}, t('apply.title'));
  if (!s.creditCode) return [title, h('div', { class: 'alert warn', role: 'status' }, t('my.noCode'))];
  const [ent, catalog] = await Promise.all([
    enterpriseOf(s.creditCode),
    api
      .get('/api/v1/catalog')
      .then((c) => c.items ?? [])
      .catch(() => []),
  ]);
  if (!ent) {
    return [
      title,
      h('div', { class: 'alert warn', role: 'status' }, t('apply.needEnterprise')),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/enterprise' }, t('my.register'))),
    ];
  }
  let track = TRACKS.includes(query.track) ? query.track : guessTrack(ent);

  const trackSet = h(
    'fieldset',
    { class: 'track-choice' },
    h('legend', {}, t('apply.track'), ' *'),
    TRACKS.map((tr) => {
      const id = `track-${tr}`;
      return h(
        'div',
        { class: 'track-option' },
        h('input', {
          type: 'radio',
          name: 'track',
          value: tr,
          id,
          required: true,
          checked: tr === track,
          'aria-describedby': `${id}-hint`,
          onchange: () => {
            track = tr;
            drawTrack();
          },
        }),
        h('label', { for: id }, fmt.track(tr)),
        h('small', { id: `${id}-hint`, class: 'hint' }, t(`apply.explain.${tr}`)),
      );
    }),
  );

  const insurer = h('input', {
    name: 'policy.insurerCode',
    required: true,
    maxlength: 32,
    pattern: '[A-Za-z0-9_\\-]{2,32}',
    autocomplete: 'off',
  });
  const productSlot = h('div', {});
  const drawProducts = () => {
    if (catalog.length === 0) {
      fill(
        productSlot,
        field(t('apply.product'), h('input', { name: 'policy.productCode', required: true, maxlength: 64 })),
      );
      return;
    }
    const sel = select(
      'policy.productCode',
      [
        ['', t('apply.chooseProduct')],
        ...productsFor(catalog, track).map((p) => [
          p.productCode,
          `${p.name}（${p.productCode} · ${p.insurerCode}）`,
        ]),
      ],
      '',
      { required: true },
    );
    sel.addEventListener('change', () => {
      const p = catalog.find((x) => x.productCode === sel.value);
      if (p) insurer.value = p.insurerCode;
    });
    fill(productSlot, field(t('apply.product'), sel, t('apply.productHint')));
  };

  const docsSlot = h('div', { class: 'doc-inputs' });
  const drawDocs = () =>
    fill(
      docsSlot,
      REQUIRED_DOCUMENTS[track].map(
        (type) => labelledFileInput(docName(type), `documents.${type}`, { required: true }).wrapper,
      ),
    );
  const drawTrack = () => {
    drawProducts();
    drawDocs();
  };
  drawTrack();

  const amount = (label, name, hint = t('form.yuanHint')) =>
    field(label, h('input', { name, required: true, inputmode: 'decimal', autocomplete: 'off' }), hint);

  const loanBox = h(
    'div',
    { class: 'loan-fields', hidden: true },
    h(
      'div',
      { class: 'grid' },
      field(
        t('apply.loanAmount'),
        h('input', {
          name: 'loanInterest.amountFen',
          inputmode: 'decimal',
          autocomplete: 'off',
          disabled: true,
        }),
        t('form.yuanHint'),
      ),
      field(
        t('apply.loanTerm'),
        h('input', {
          name: 'loanInterest.termMonths',
          type: 'number',
          min: 1,
          max: 360,
          step: 1,
          disabled: true,
        }),
      ),
    ),
    field(
      t('apply.loanPurpose'),
      h('textarea', { name: 'loanInterest.purpose', rows: 2, maxlength: 500, disabled: true }),
    ),
  );
  const optIn = h('input', {
    type: 'checkbox',
    name: 'loanOptIn',
    id: 'loan-opt-in',
    'aria-describedby': 'loan-opt-in-hint',
    'aria-controls': 'loan-fields',
    onchange: () => {
      loanBox.hidden = !optIn.checked;
      loanBox.querySelectorAll('input, textarea').forEach((el) => {
        el.disabled = !optIn.checked;
        el.required = optIn.checked;
      });
    },
  });
  loanBox.id = 'loan-fields';

  const progress = h('p', { class: 'muted', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'apply-form' },
    trackSet,
    h(
      'fieldset',
      {},
      h('legend', {}, t('apply.policy')),
      h(
        'div',
        { class: 'grid' },
        productSlot,
        field(t('apply.insurerCode'), insurer, t('apply.insurerHint')),
        field(
          t('apply.policyNumber'),
          h('input', {
            name: 'policy.policyNumber',
            required: true,
            maxlength: 64,
            autocomplete: 'off',
          }),
          t('apply.policyNumberHint'),
        ),
        field(t('apply.startDate'), h('input', { name: 'policy.startDate', type: 'date', required: true })),
        field(t('apply.endDate'), h('input', { name: 'policy.endDate', type: 'date', required: true })),
        amount(t('apply.premium'), 'policy.premiumFen'),
        amount(t('apply.paidPremium'), 'policy.paidPremiumFen', t('apply.paidPremiumHint')),
        field(
          t('apply.paidAt'),
          h('input', { name: 'policy.paidAt', type: 'date', required: true }),
          t('apply.paidAtHint'),
        ),
        amount(t('apply.sumInsured'), 'policy.sumInsuredFen'),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('apply.documents')),
      h('p', { class: 'hint' }, t('apply.documentsHint')),
      docsSlot,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('apply.loan')),
      h('div', { class: 'field check' }, optIn, h('label', { for: 'loan-opt-in' }, t('apply.loanOptIn'))),
      h('small', { id: 'loan-opt-in-hint', class: 'hint' }, t('apply.loanHint')),
      loanBox,
    ),
    progress,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('apply.submit'))),
  );
  onSubmit(
    form,
    async (fd) => {
      fill(progress);
      const details = [];
      const policy = {
        insurerCode: str(fd, 'policy.insurerCode'),
        policyNumber: str(fd, 'policy.policyNumber'),
        productCode: str(fd, 'policy.productCode'),
        startDate: str(fd, 'policy.startDate'),
        endDate: str(fd, 'policy.endDate'),
        premiumFen: fenOf(fd, 'policy.premiumFen', details),
        paidPremiumFen: fenOf(fd, 'policy.paidPremiumFen', details),
        paidAt: str(fd, 'policy.paidAt'),
        sumInsuredFen: fenOf(fd, 'policy.sumInsuredFen', details),
      };
      let loanInterest;
      if (fd.get('loanOptIn')) {
        loanInterest = {
          amountFen: fenOf(fd, 'loanInterest.amountFen', details),
          termMonths: Number(str(fd, 'loanInterest.termMonths')),
          purpose: str(fd, 'loanInterest.purpose'),
        };
      }
      const files = REQUIRED_DOCUMENTS[track].map((type) => [type, fd.get(`documents.${type}`)]);
      for (const [type, file] of files) {
        const path = `body.documents.${type}`;
        if (!(file instanceof File) || !file.name)
          details.push({ path, message: `${docName(type)}：${t('file.missing')}` });
        else {
          const bad = fileProblem(file);
          if (bad) details.push({ path, message: `${docName(type)}：${bad}` });
        }
      }
      if (details.length) throw clientError(details);
      fill(progress, t('apply.uploading'));
      const documents = [];
      for (const [type, file] of files) documents.push(await upload(type, file, `body.documents.${type}`));
      fill(progress);
      return api.post('/api/v1/applications', {
        creditCode: s.creditCode,
        track,
        policy,
        ...(loanInterest ? { loanInterest } : {}),
        documents,
      });
    },
    (res) => {
      flash = t('apply.submitted', { id: res.id });
      go(`#/applications/${enc(res.id)}`);
    },
  );
  return [title, form];
});

/* ---------- one application ---------- */

function timelineList(events) {
  return h(
    'ol',
    { class: 'timeline' },
    events.map((e) =>
      h(
        'li',
        {},
        h('time', { datetime: e.at }, fmt.dateTime(e.at)),
        ' ',
        h('strong', {}, has(`action.${e.action}`) ? t(`action.${e.action}`) : e.action),
        ' ',
        statusBadge(e.status),
        h(
          'div',
          { class: 'muted' },
          e.actor
            ? `${e.actorRole && has(`role.${e.actorRole}`) ? `${fmt.role(e.actorRole)} · ` : ''}${e.actor}`
            : '',
        ),
        e.note ? h('div', { class: 'timeline-note' }, e.note) : null,
      ),
    ),
  );
}

function documentsTable(docs) {
  const viewer = h('div', { class: 'doc-preview', 'aria-live': 'polite' });
  const open = async (d) => {
    try {
      const blob = await api.blob(`/api/v1/documents/${enc(d.id)}/content`);
      const url = URL.createObjectURL(blob);
      const view =
        d.contentType === 'application/pdf'
          ? h('iframe', { class: 'doc-view', src: url, title: `${docName(d.type)} · ${d.filename}` })
          : h('img', { class: 'doc-view', src: url, alt: `${docName(d.type)} · ${d.filename}` });
      fill(viewer, h('p', {}, h('strong', {}, docName(d.type)), ' · ', d.filename), view);
    } catch (err) {
      fill(viewer, errorBox(err));
    }
  };
  return [
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('appview.docType')),
            h('th', { scope: 'col' }, t('appview.docName')),
            h('th', { scope: 'col', class: 'num' }, t('appview.docSize')),
            h('th', { scope: 'col' }, t('appview.docAt')),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('file.open'))),
          ),
        ),
        h(
          'tbody',
          {},
          docs.map((d) =>
            h(
              'tr',
              {},
              h('td', {}, docName(d.type)),
              h('td', { class: 'filename' }, d.filename),
              h('td', { class: 'num' }, sizeText(d.size)),
              h('td', {}, fmt.dateTime(d.createdAt)),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': t('file.openNamed', { name: `${docName(d.type)} ${d.filename}` }),
                    onclick: () => open(d),
                  },
                  t('file.open'),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    viewer,
  ];
}

function supplementForm(app, hash) {
  const types = Object.keys(DOCUMENT_TYPES);
  const { wrapper: filesField } = labelledFileInput(t('appview.supplementFiles'), 'files', {
    multiple: true,
  });
  const form = h(
    'form',
    { class: 'supplement-form' },
    h('h3', {}, t('appview.supplement')),
    field(
      t('appview.supplementMessage'),
      h('textarea', { name: 'message', required: true, rows: 4, maxlength: 4000 }),
    ),
    field(
      t('appview.supplementType'),
      select(
        'docType',
        types.map((ty) => [ty, docName(ty)]),
        'SUPPLEMENT',
      ),
    ),
    filesField,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('appview.supplement'))),
  );
  onSubmit(
    form,
    async (fd) => {
      const type = str(fd, 'docType');
      const files = fd.getAll('files').filter((f) => f instanceof File && f.name);
      const details = files
        .map((f) => [f, fileProblem(f)])
        .filter(([, bad]) => bad)
        .map(([f, bad]) => ({ path: 'body.files', message: `${f.name}：${bad}` }));
      if (details.length) throw clientError(details);
      const documents = [];
      for (const f of files) documents.push(await upload(type, f, 'body.files'));
      return api.post(`/api/v1/applications/${enc(app.id)}/supplements`, {
        message: str(fd, 'message'),
        documents,
      });
    },
    () => {
      flash = t('appview.supplemented');
      go(hash);
    },
  );
  return form;
}

function withdrawSection(app, hash) {
  const slot = h('div', {});
  const start = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      'aria-expanded': 'false',
      'aria-controls': 'withdraw-form',
      onclick: () => {
        start.hidden = true;
        start.setAttribute('aria-expanded', 'true');
        form.hidden = false;
        form.querySelector('textarea').focus();
      },
    },
    t('appview.withdrawStart'),
  );
  const form = h(
    'form',
    { id: 'withdraw-form', hidden: true },
    h('div', { class: 'alert warn' }, t('appview.withdrawWarn')),
    field(
      t('appview.withdrawReason'),
      h('textarea', { name: 'reason', required: true, rows: 3, maxlength: 2000 }),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'danger' }, t('appview.withdrawConfirm')),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            form.hidden = true;
            start.hidden = false;
            start.setAttribute('aria-expanded', 'false');
            start.focus();
          },
        },
        t('common.cancel'),
      ),
    ),
  );
  onSubmit(
    form,
    (fd) => api.post(`/api/v1/applications/${enc(app.id)}/withdraw`, { reason: str(fd, 'reason') }),
    () => {
      flash = t('appview.withdrawn');
      go(hash);
    },
  );
  fill(slot, start, form);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'withdraw-h' },
    h('h2', { id: 'withdraw-h' }, t('appview.withdraw')),
    slot,
  );
}

function loanSection(app, isApplicant, hash) {
  const li = app.loanInterest;
  const current = li
    ? t('appview.loanValue', { amount: fmt.fen(li.amountFen), term: li.termMonths, purpose: li.purpose })
    : t('appview.loanNone');
  const started = app.timeline.some(
    (e) => e.action === 'BANK_MATCHING_STARTED' || e.action === 'BANK_REFERRALS_SENT',
  );
  const canChange = isApplicant && !started && !FINAL.includes(app.status);
  const out = [h('h2', { id: 'loan-h' }, t('appview.loan')), h('p', {}, current)];
  if (started && isApplicant) out.push(h('p', { class: 'muted' }, t('appview.loanStarted')));
  if (canChange) {
    const form = h(
      'form',
      { class: 'loan-form' },
      h('h3', {}, t('appview.loanChange')),
      h('p', { class: 'hint' }, t('appview.loanChangeHint')),
      h(
        'div',
        { class: 'grid' },
        field(
          t('apply.loanAmount'),
          h('input', {
            name: 'loanInterest.amountFen',
            inputmode: 'decimal',
            required: true,
            autocomplete: 'off',
            value: li ? fenToYuan(li.amountFen) : '',
          }),
          t('form.yuanHint'),
        ),
        field(
          t('apply.loanTerm'),
          h('input', {
            name: 'loanInterest.termMonths',
            type: 'number',
            min: 1,
            max: 360,
            step: 1,
            required: true,
            value: li?.termMonths ?? '',
          }),
        ),
      ),
      field(
        t('apply.loanPurpose'),
        h(
          'textarea',
          { name: 'loanInterest.purpose', rows: 2, maxlength: 500, required: true },
          li?.purpose ?? '',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', value: 'save' }, t('appview.loanSave')),
        li
          ? h(
              'button',
              { type: 'submit', value: 'withdraw', class: 'secondary', formnovalidate: true },
              t('appview.loanWithdraw'),
            )
          : null,
      ),
    );
    onSubmit(
      form,
      async (fd, submitter) => {
        if (submitter?.value === 'withdraw')
          return api.put(`/api/v1/applications/${enc(app.id)}/loan-interest`, { loanInterest: null });
        const details = [];
        const loanInterest = {
          amountFen: fenOf(fd, 'loanInterest.amountFen', details),
          termMonths: Number(str(fd, 'loanInterest.termMonths')),
          purpose: str(fd, 'loanInterest.purpose'),
        };
        if (details.length) throw clientError(details);
        return api.put(`/api/v1/applications/${enc(app.id)}/loan-interest`, { loanInterest });
      },
      (res) => {
        flash = t(res?.loanInterest ? 'appview.loanSaved' : 'appview.loanWithdrawn');
        go(hash);
      },
    );
    out.push(form);
  }
  return h('section', { class: 'card', 'aria-labelledby': 'loan-h' }, out);
}

page('/applications/:id', ['applicant', ...STAFF], async ({ params, session: s }) => {
  const app = await api.get(`/api/v1/applications/${enc(params.id)}`);
  const hash = `#/applications/${enc(app.id)}`;
  const isApplicant = s.role === 'applicant';
  const sub = app.subsidy ?? {};
  const task = app.currentTask;

  const statusCard = h(
    'section',
    { class: 'card status-card', 'aria-labelledby': 'status-h' },
    h('h2', { id: 'status-h' }, t('appview.status'), ' ', statusBadge(app.status)),
    h('p', { class: 'next-step' }, h('strong', {}, t('appview.next'), '：'), t(`next.${app.status}`)),
    task
      ? facts([
          [t('appview.task'), fmt.queue(task.queue)],
          [
            t('appview.due'),
            [
              deadlineText(task.dueAt),
              task.overdue ? [' ', h('span', { class: 'badge bad' }, t('appview.overdue'))] : null,
            ],
          ],
        ])
      : null,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => go(hash) }, t('appview.refresh')),
    ),
  );

  const info =
    app.status === 'NEEDS_INFO' && app.infoRequest
      ? h(
          'section',
          { class: 'card info-request', 'aria-labelledby': 'info-h' },
          h('h2', { id: 'info-h' }, t('appview.info')),
          h('blockquote', { class: 'info-message' }, app.infoRequest.message),
          h(
            'p',
            { class: 'alert warn' },
            t('appview.infoDeadline', { deadline: deadlineText(app.infoRequest.deadline) }),
          ),
          isApplicant ? supplementForm(app, hash) : null,
        )
      : null;

  const reasons = sub.reasons ?? [];
  const subsidyCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'subsidy-h' },
    h('h2', { id: 'subsidy-h' }, t('appview.subsidy')),
    facts([
      [t('appview.computed'), fmt.fen(sub.computedFen)],
      [t('appview.granted'), fmt.fen(sub.grantedFen)],
      [t('appview.rate'), fmt.bp(sub.rateBp)],
      sub.baseFen !== null && sub.baseFen !== undefined ? [t('appview.base'), fmt.fen(sub.baseFen)] : null,
      sub.subsidyYear ? [t('appview.year'), String(sub.subsidyYear)] : null,
      sub.payee
        ? [t('appview.payee'), has(`payee.${sub.payee}`) ? t(`payee.${sub.payee}`) : sub.payee]
        : null,
    ]),
    reasons.length
      ? [
          h('h3', {}, t('appview.reasons')),
          h(
            'ul',
            { class: 'reasons' },
            reasons.map((r) =>
              h(
                'li',
                { class: r.blocking ? 'blocking' : '' },
                h(
                  'span',
                  { class: `badge ${r.blocking ? 'bad' : ''}` },
                  t(r.blocking ? 'appview.blocking' : 'appview.note'),
                ),
                ' ',
                reasonText(r),
              ),
            ),
          ),
        ]
      : null,
  );

  const p = app.policy ?? {};
  const details = h(
    'section',
    { class: 'card', 'aria-labelledby': 'details-h' },
    h('h2', { id: 'details-h' }, t('appview.details')),
    facts([
      [t('appview.enterprise'), [app.enterpriseName ?? '', ' ', h('code', {}, app.creditCode)]],
      [t('my.track'), fmt.track(app.track)],
      [t('apply.product'), `${p.productCode ?? '—'} · ${p.insurerCode ?? ''}`],
      [t('apply.policyNumber'), h('code', {}, p.policyNumber ?? '—')],
      [t('appview.period'), `${fmt.date(p.startDate)} – ${fmt.date(p.endDate)}`],
      [t('apply.premium'), fmt.fen(p.premiumFen)],
      [t('apply.paidPremium'), `${fmt.fen(p.paidPremiumFen)}（${fmt.date(p.paidAt)}）`],
      [t('apply.sumInsured'), fmt.fen(p.sumInsuredFen)],
      [t('my.submittedAt'), fmt.dateTime(app.createdAt)],
    ]),
  );

  const payments = app.payments?.length
    ? h(
        'section',
        { class: 'card', 'aria-labelledby': 'pay-h' },
        h('h2', { id: 'pay-h' }, t('appview.payments')),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, t('appview.attempt')),
                h('th', { scope: 'col' }, t('appview.payStatus')),
                h('th', { scope: 'col', class: 'num' }, t('appview.amount')),
                h('th', { scope: 'col' }, t('appview.requestedAt')),
                h('th', { scope: 'col' }, t('appview.settledAt')),
                h('th', { scope: 'col' }, t('appview.failure')),
              ),
            ),
            h(
              'tbody',
              {},
              app.payments.map((pm) =>
                h(
                  'tr',
                  {},
                  h('td', {}, String(pm.attempt)),
                  h('td', {}, pm.status),
                  h('td', { class: 'num' }, fmt.fen(pm.amountFen)),
                  h('td', {}, fmt.dateTime(pm.requestedAt)),
                  h('td', {}, fmt.dateTime(pm.settledAt)),
                  h('td', {}, pm.failureReason ?? ''),
                ),
              ),
            ),
          ),
        ),
      )
    : null;

  return [
    h('h1', {}, t('appview.title', { id: app.id })),
    takeFlash(),
    statusCard,
    info,
    h('div', { class: 'grid app-cards' }, subsidyCard, details),
    loanSection(app, isApplicant, hash),
    app.documents?.length
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'docs-h' },
          h('h2', { id: 'docs-h' }, t('appview.documents')),
          documentsTable(app.documents),
        )
      : null,
    payments,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'timeline-h' },
      h('h2', { id: 'timeline-h' }, t('appview.timeline')),
      timelineList(app.timeline ?? []),
    ),
    isApplicant && WITHDRAWABLE.includes(app.status) ? withdrawSection(app, hash) : null,
  ];
});

/* ---------- the follow-up survey (public, from the e-mailed link) ---------- */

page('/surveys/:token', [], async ({ params }) => {
  const title = h('h1', {}, t('survey.title'));
  const path = `/api/v1/surveys/${enc(params.token)}`;
  let survey;
  try {
    survey = await api.get(path);
  } catch (err) {
    if (err.status === 401 || err.status === 400) {
      const expired = err.code === 'LINK_EXPIRED';
      return [
        title,
        h(
          'div',
          { class: 'alert warn survey-state', role: 'alert' },
          t(expired ? 'survey.expired' : 'survey.invalid'),
        ),
      ];
    }
    throw err;
  }
  const intro = h(
    'p',
    {},
    t('survey.intro', { name: survey.enterpriseName, id: survey.applicationId, round: survey.round }),
  );
  if (survey.answered) {
    return [title, intro, h('div', { class: 'alert ok survey-state', role: 'status' }, t('survey.already'))];
  }
  const slot = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card survey-form' },
    field(
      t('survey.rdProgress'),
      h('textarea', { name: 'rdProgress', required: true, rows: 4, maxlength: 4000 }),
      t('survey.rdProgressHint'),
    ),
    h(
      'div',
      { class: 'grid' },
      field(
        t('survey.claimsFiled'),
        h('input', {
          name: 'claimsFiled',
          type: 'number',
          min: 0,
          max: 10000,
          step: 1,
          required: true,
          value: '0',
        }),
      ),
      field(
        t('survey.claimsPaid'),
        h('input', {
          name: 'claimsPaidFen',
          inputmode: 'decimal',
          required: true,
          value: '0',
          autocomplete: 'off',
        }),
        t('form.yuanHint'),
      ),
      field(
        t('survey.loans'),
        h('input', {
          name: 'loansObtainedFen',
          inputmode: 'decimal',
          required: true,
          value: '0',
          autocomplete: 'off',
        }),
        t('survey.loansHint'),
      ),
    ),
    field(t('survey.comment'), h('textarea', { name: 'comment', rows: 3, maxlength: 4000 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('survey.submit'))),
  );
  onSubmit(
    form,
    async (fd) => {
      const details = [];
      const body = {
        rdProgress: str(fd, 'rdProgress'),
        claimsFiled: Number(str(fd, 'claimsFiled')),
        claimsPaidFen: fenOf(fd, 'claimsPaidFen', details),
        loansObtainedFen: fenOf(fd, 'loansObtainedFen', details),
        comment: str(fd, 'comment'),
      };
      if (details.length) throw clientError(details);
      try {
        return await api.post(path, body);
      } catch (err) {
        if (err.code === 'ALREADY_ANSWERED') {
          throw new ApiError(err.status, { error: { code: err.code, message: t('survey.already') } });
        }
        throw err;
      }
    },
    () => {
      form.hidden = true;
      fill(slot, notice(t('survey.thanks')));
    },
  );
  return [title, intro, slot, form];
});

/* ---------- the partner bank's referrals (保贷联动) ---------- */

const REFERRAL_CLASS = { SENT: 'warn', GRANTED: 'ok', DECLINED: '', EXPIRED: 'bad' };

let radioSeq = 0;
function referralForm(r, name) {
  const seq = ++radioSeq;
  const grantedBox = h(
    'div',
    { class: 'grid granted-fields', id: `granted-${seq}` },
    field(
      t('referrals.creditLine'),
      h('input', { name: 'creditLineFen', inputmode: 'decimal', required: true, autocomplete: 'off' }),
      t('form.yuanHint'),
    ),
    field(
      t('referrals.rate'),
      h('input', { name: 'annualRateBp', inputmode: 'decimal', required: true, autocomplete: 'off' }),
      t('referrals.rateHint'),
    ),
    field(
      t('referrals.term'),
      h('input', {
        name: 'termMonths',
        type: 'number',
        min: 1,
        max: 360,
        step: 1,
        required: true,
        value: r.profile?.loanRequest?.termMonths ?? '',
      }),
    ),
  );
  const setDecision = (granted) => {
    grantedBox.hidden = !granted;
    grantedBox.querySelectorAll('input').forEach((el) => (el.disabled = !granted));
  };
  const radio = (value, label, checked) => {
    const id = `decision-${seq}-${value}`;
    return h(
      'div',
      { class: 'field check' },
      h('input', {
        type: 'radio',
        name: 'decision',
        value,
        id,
        checked,
        required: true,
        onchange: () => setDecision(value === 'granted'),
      }),
      h('label', { for: id }, label),
    );
  };
  const form = h(
    'form',
    { class: 'referral-form', 'aria-label': `${t('referrals.answer')}：${name}` },
    h(
      'fieldset',
      {},
      h('legend', {}, t('referrals.decision'), ' *'),
      h(
        'div',
        { class: 'row' },
        radio('granted', t('referrals.grant'), true),
        radio('declined', t('referrals.decline'), false),
      ),
    ),
    grantedBox,
    field(t('referrals.note'), h('textarea', { name: 'note', rows: 2, maxlength: 2000 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('referrals.send'))),
  );
  onSubmit(
    form,
    async (fd) => {
      const decision = str(fd, 'decision');
      const body = { decision };
      const note = str(fd, 'note');
      if (note) body.note = note;
      if (decision === 'granted') {
        const details = [];
        body.creditLineFen = fenOf(fd, 'creditLineFen', details);
        const rate = str(fd, 'annualRateBp');
        if (/^\d+(\.\d{1,2})?$/.test(rate)) body.annualRateBp = Math.round(Number(rate) * 100);
        else details.push({ path: 'body.annualRateBp', message: t('referrals.rateFormat') });
        body.termMonths = Number(str(fd, 'termMonths'));
        if (details.length) throw clientError(details);
      }
      return api.post(`/api/v1/bank/referrals/${enc(r.id)}/response`, body);
    },
    () => {
      flash = t('referrals.sent', { name });
      go('#/bank');
    },
  );
  return form;
}

page('/bank', ['bank'], async () => {
  const res = await api.get('/api/v1/bank/referrals');
  const items = res.items ?? [];
  const cards = items.map((r) => {
    const p = r.profile ?? {};
    const loan = p.loanRequest;
    const name = p.enterpriseName ?? r.applicationId;
    const resp = r.response;
    const answered = resp !== null && resp !== undefined;
    const headingId = `ref-${r.id}`;
    return h(
      'section',
      { class: 'card referral', 'aria-labelledby': headingId, 'data-application': r.applicationId },
      h(
        'h2',
        { id: headingId },
        name,
        ' ',
        h(
          'span',
          { class: `badge ${REFERRAL_CLASS[r.status] ?? ''}` },
          has(`referrals.status.${r.status}`) ? t(`referrals.status.${r.status}`) : r.status,
        ),
        r.late ? [' ', h('span', { class: 'badge warn' }, t('referrals.late'))] : null,
      ),
      h('p', { class: 'muted' }, t('referrals.deadline'), '：', deadlineText(r.deadlineAt)),
      h(
        'div',
        { class: 'grid' },
        facts([
          [t('ent.creditCode'), h('code', {}, p.creditCode ?? '—')],
          [t('referrals.size'), p.size ? t(`size.${p.size}`) : '—'],
          [t('referrals.field'), p.mainField ? fieldName(p.mainField) : '—'],
          [t('referrals.foundedOn'), fmt.date(p.foundedOn)],
          [t('referrals.contact'), p.contactEmail],
        ]),
        facts([
          [t('referrals.track'), p.track ? fmt.track(p.track) : '—'],
          [t('referrals.granted'), fmt.fen(p.grantedFen)],
          [t('referrals.sumInsured'), fmt.fen(p.sumInsuredFen)],
          [t('referrals.policyEnd'), fmt.date(p.policyEndDate)],
          [
            t('referrals.loan'),
            loan ? t('referrals.loanValue', { amount: fmt.fen(loan.amountFen), term: loan.termMonths }) : '—',
          ],
          loan?.purpose ? [t('referrals.purpose'), loan.purpose] : null,
        ]),
      ),
      answered
        ? h(
            'div',
            { class: 'referral-response' },
            h('h3', {}, t('referrals.response')),
            facts([
              [t('referrals.respondedAt'), fmt.dateTime(resp.respondedAt)],
              resp.creditLineFen !== null && resp.creditLineFen !== undefined
                ? [
                    t('referrals.grant'),
                    t('referrals.responseGranted', {
                      line: fmt.fen(resp.creditLineFen),
                      rate: fmt.bp(resp.annualRateBp),
                      term: resp.termMonths,
                    }),
                  ]
                : null,
              resp.note ? [t('referrals.note'), resp.note] : null,
            ]),
          )
        : [h('h3', {}, t('referrals.answer')), referralForm(r, name)],
    );
  });
  return [
    h('h1', {}, t('referrals.title')),
    takeFlash(),
    h('p', { class: 'muted' }, t('referrals.intro')),
    items.length ? cards : h('p', {}, t('referrals.none')),
  ];
});
