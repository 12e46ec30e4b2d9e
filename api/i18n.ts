/**
 * The language of an answer (`Accept-Language`: zh-CN by default, English on request) and the Chinese of
 * the project's own messages. Code throws its errors in English; `localize` gives the Chinese of each
 * message (templates below), and zod's validation texts come from its zh-CN locale.
 */
import { z } from 'zod';
import { QUEUE_LABELS, ROLE_LABELS, STATUS_LABELS, TRACK_LABELS } from '../domain/labels';
import { formatFen } from '../domain/money';

export type Lang = 'zh' | 'en';

/** The preferred of zh and en in an Accept-Language header (highest q first; zh when neither is named). */
export function requestLang(header: string | undefined): Lang {
  if (!header) return 'zh';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
    const lang: Lang | null = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : null;
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
}

const zhLocale = z.locales.zhCN().localeError;
type Issue = Parameters<typeof zhLocale>[0];

/** The commonest issues in words a clerk uses; the rest from zod's own locale. */
function friendly(lang: Lang) {
  return (issue: Issue) => {
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const empty = issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1;
    if (missing || empty) return lang === 'zh' ? '必填' : 'required';
    if (issue.code === 'invalid_format' && issue.format === 'email')
      return lang === 'zh' ? '不是有效的电子邮箱地址' : 'is not a valid e-mail address';
    if (issue.code === 'too_big' && issue.origin === 'string')
      return lang === 'zh'
        ? `不能超过 ${String(issue.maximum)} 个字符`
        : `at most ${String(issue.maximum)} characters`;
    if (issue.code === 'unrecognized_keys')
      return lang === 'zh'
        ? `不接受的字段：${issue.keys.join('、')}`
        : `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    return lang === 'zh' ? zhLocale(issue) : undefined;
  };
}
export const ZOD_ERRORS: Record<Lang, ReturnType<typeof friendly>> = {
  zh: friendly('zh'),
  en: friendly('en'),
};

const label = <K extends string>(labels: Record<K, { zh: string }>, code: string) =>
  (labels as Record<string, { zh: string }>)[code]?.zh ?? code;
const status = (s: string) => label(STATUS_LABELS, s);
const NOUNS: Record<string, string> = {
  application: '申请',
  task: '任务',
  enterprise: '企业',
  document: '材料',
  notice: '公示批次',
  'recovery case': '追回案件',
  'application in this notice': '本批公示中的该申请',
  'payee change': '收款人变更',
  referral: '授信推荐',
  payment: '拨付记录',
  campaign: '主动匹配活动',
  record: '记录',
  'site visit': '实地走访任务',
  'site-visit sample': '实地走访样本',
};

/** English message (whole) → its Chinese. Each test anchors the whole message. */
const TEMPLATES: [RegExp, (...m: string[]) => string][] = [
  [/^(.+) not found$/, (w) => `未找到${NOUNS[w] ?? w}`],
  [/^invalid (body|query|params|headers)(: .*)?$/, () => '提交的内容有误，请按提示修改标出的各项'],
  [/^a record with these values already exists$/, () => '已存在相同的记录'],
  [/^a value is too long for its field$/, () => '有一项内容过长'],
  [/^request body is too large$/, () => '提交的内容过大'],
  [/^request body is not valid JSON$/, () => '提交的内容不是有效的 JSON'],
  [/^request body encoding is not supported$/, () => '不支持提交内容的编码'],
  [/^request body could not be read$/, () => '无法读取提交的内容'],
  [/^the uploaded file is too large$/, () => '上传的文件过大'],
  [/^invalid upload: (.*)$/, () => '上传的内容有误'],
  [/^the database is unavailable; try again$/, () => '数据库暂不可用，请稍后重试'],
  [/^request contains a value the database cannot store$/, () => '提交的内容中有无法保存的值'],
  [/^internal error$/, () => '系统内部错误，请稍后重试'],
  [/^no route for (.+)$/, (r) => `没有这个接口：${r}`],
  [/^must not contain NUL characters$/, () => '不能包含 NUL 字符'],
  [/^a bearer token is required$/, () => '请先登录'],
  [/^token has expired$/, () => '登录已过期，请重新登录'],
  [/^token is invalid$/, () => '登录凭证无效，请重新登录'],
  [/^token lacks required claims$/, () => '登录凭证缺少必要信息'],
  [/^Authorization header must be "Bearer <token>"$/, () => 'Authorization 请求头应为 "Bearer <token>"'],
  [/^your role may not do this$/, () => '您的角色无权进行此操作'],
  [/^must be a positive whole number of fen$/, () => '还款金额须为正的整数分'],
  [/^exceeds the outstanding (.+)$/, (a) => `还款金额超过未还金额 ${a}`],
  [/^must not be in the future$/, () => '还款日期不能晚于今天'],
  [/^this bank reference is recorded with another amount$/, () => '该银行流水号已记录为另一金额'],
  [/^the recovery case is closed$/, () => '追回案件已结案'],
  [
    /^four-eyes: whoever recorded a repayment of the case may not waive it$/,
    () => '四眼原则：记录过本案还款的人员不能核销',
  ],
  [/^this Idempotency-Key was used with a different request body$/, () => '此幂等键已用于另一内容的请求'],
  [
    /^a request with this Idempotency-Key is still being processed$/,
    () => '相同幂等键的请求仍在处理中，请稍后重试',
  ],
  [/^too many requests; try again in a minute$/, () => '请求过于频繁，请一分钟后再试'],
  [/^must be after startDate$/, () => '须晚于保险起期'],
  [/^cannot exceed premiumFen$/, () => '不能超过保费'],
  [/^an applicant may only apply for its own enterprise$/, () => '申请企业只能为本企业申请'],
  [/^an applicant may only register its own enterprise$/, () => '申请企业只能登记本企业的信息'],
  [/^register the enterprise .* first$/, () => '请先登记企业信息'],
  [
    /^a listed document does not exist, is not yours, or is attached elsewhere$/,
    () => '所列材料不存在、不属于本企业或已用于其他申请',
  ],
  [/^upload each document with POST .* and list its id once$/, () => '请重新上传该材料'],
  [
    /^policy (\S+)\/(\S+) is already in a live application$/,
    (i, p) => `保单 ${p}（${i}）已在另一个进行中的申请中`,
  ],
  [/^an applicant token is bound to a creditCode$/, () => '申请企业须填写统一社会信用代码'],
  [/^a bank token is bound to a bankCode$/, () => '合作银行须填写银行代码'],
  [/^must not be below minAmountFen$/, () => '不能低于最低金额'],
  [/^required when credit is granted$/, () => '同意授信时必填'],
  [/^cannot exceed totalFen$/, () => '不能超过预算总额'],
  [/^at least (\d+)$/, (f) => `不能低于 ${formatFen(Number(f))}`],
  [
    /^the (\S+) budget cannot go below what is already reserved or spent \((\d+) fen\)$/,
    (t, f) =>
      `${t === 'total' ? '预算总额' : `${label(TRACK_LABELS, t)}分项预算`}不能低于已预留或已支出的 ${formatFen(Number(f))}`,
  ],
  [/^give the credit code .* or the declared facts$/, () => '请填写统一社会信用代码或企业信息'],
  [/^the enterprise registry does not know this credit code$/, () => '企业登记系统中查无此统一社会信用代码'],
  [
    /^the enterprise registry is unavailable.*$/,
    () => '企业登记系统暂不可用，请稍后重试，或直接填写企业信息',
  ],
  [
    /^(\d{4}-\d{2}-\d{2}) is a weekday: a make-up working day must be a Saturday or Sunday$/,
    (d) => `${d} 是工作日：调休上班日须为周六或周日`,
  ],
  [/^(\d{4}-\d{2}-\d{2}) is also listed as a holiday$/, (d) => `${d} 同时被列为节假日`],
  [/^is not in (\d{4})$/, (y) => `不在 ${y} 年内`],
  [/^the (\d{4}) application window closed at (.+)$/, (y, at) => `${y} 年度申报已于 ${at} 截止`],
  [
    /^a (\S+) campaign for (\d{4}) is still running$/,
    (t, y) => `${y} 年度${label(TRACK_LABELS, t)}的主动匹配活动仍在进行`,
  ],
  [/^the campaign has already ended( \((\w+)\))?$/, () => '该活动已经结束'],
  [/^this (survey )?link is not valid$/, () => '链接无效'],
  [/^this (survey )?link has expired$/, () => '链接已过期'],
  [/^a file is required$/, () => '请选择文件'],
  [
    /^the enterprise's documents not attached to an application are at their limit \((\d+) files, ([\d.]+) MB; now (\d+) files, ([\d.]+) MB\): .* deleted after (\d+) days$/,
    (n, mb, k, used, days) =>
      `本企业尚未附到申请的材料已达上限（最多 ${n} 份、共 ${mb} MB；现有 ${k} 份、${used} MB）：` +
      `请将材料附到申请，或删除不需要的材料；未附到申请的材料 ${days} 天后自动删除`,
  ],
  [/^the document is attached to an application and stays with it$/, () => '该材料已附到申请，不能删除'],
  [
    /^your token names no organisation: you see nothing until it does$/,
    () => '您的登录凭证未注明所属单位：注明之前看不到任何内容',
  ],
  [/^district-wide figures are for staff of the committee$/, () => '全区数据仅供管委会人员查看'],
  [
    /^sign in to use creditCode: .*$/,
    () => '按统一社会信用代码查询须先登录（该企业本身或工作人员）；未登录时请直接填写企业信息',
  ],
  [
    /^you may not use this creditCode: .*$/,
    () => '您不能按此统一社会信用代码查询（只有该企业本身或工作人员可以）；请直接填写企业信息',
  ],
  [/^required$/, () => '必填'],
  [
    /^only PDF, JPEG and PNG documents are accepted.*$/,
    () => '只接受 PDF、JPEG 或 PNG 文件（按文件内容识别）',
  ],
  [/^not a PDF, JPEG or PNG file$/, () => '不是 PDF、JPEG 或 PNG 文件'],
  [/^the notice period has ended; objections are no longer taken$/, () => '公示期已结束，不再受理异议'],
  [
    /^the callback is for (\d+) fen; the payment is (\d+) fen$/,
    (a, b) => `回调金额 ${formatFen(Number(a))} 与拨付金额 ${formatFen(Number(b))} 不符`,
  ],
  [/^the callback signature is missing, wrong or stale$/, () => '回调签名缺失、错误或已过期'],
  [/^must be after opensAt$/, () => '须晚于申报开始时间'],
  [/^must not be before activeFrom$/, () => '不能早于生效日期'],
  [/^the group product is not exclusive to a field$/, () => '普惠统保产品不能限定领域'],
  [
    /^body year (\d+) does not match the path year (\d+)$/,
    (a, b) => `配置中的年度 ${a} 与地址中的年度 ${b} 不一致`,
  ],
  [/^product (.+) is already in the catalog$/, (p) => `产品 ${p} 已在目录中`],
  [/^only reviewers belong to a street office$/, () => '只有初审人员可以属于街镇'],
  [/^this survey has already been answered$/, () => '该问卷已经答复'],
  [/^(\w+) does not work (\S+)$/, (r, q) => `${label(ROLE_LABELS, r)}不办理${label(QUEUE_LABELS, q)}任务`],
  [
    /^unified social credit code must be 18 characters.*$/,
    () => '统一社会信用代码格式错误：应为 18 位数字或大写字母（不含 I、O、Z、S、V）',
  ],
  [/^unified social credit code check character does not match.*$/, () => '统一社会信用代码校验位错误'],
  [
    /^highTechCertifiedOn and highTechValidUntil go together$/,
    () => '高新技术企业证书的发证日期与有效期须同时填写',
  ],
  [/^must be after highTechCertifiedOn$/, () => '须晚于高新技术企业证书发证日期'],
  [
    /^is the deprecated name of techSmeValidUntil and differs from it.*$/,
    () => '与科技型中小企业资格有效期不一致（techCertifiedUntil 已停用，请只填写后者）',
  ],
  [
    /^the grant is paid to the insurer: there is no account to change$/,
    () => '补贴拨付给保险公司，没有可更改的收款账户',
  ],
  [/^a change of the payee is already waiting for finance$/, () => '已有一项收款人变更等待区财政局审批'],
  [/^this change was already decided \((\w+)\)$/, () => '此变更已经处理'],
  [/^you asked for this change and may not approve it$/, () => '四眼原则：您提出了此变更，不能自行批准'],
  [
    /^the grant can no longer be redirected \(now (\w+)\)$/,
    (st) => `补贴已不能改付（当前状态：${status(st)}）`,
  ],
  [/^payee change$/, () => '收款人变更'],
  [
    /^the payee can be changed only between final approval and payment \(now (\w+)\)$/,
    (st) => `只有在终审批准后、拨付前才能变更收款人（当前状态：${status(st)}）`,
  ],
  [/^is not a field of this request$/, () => '不是本请求的字段'],
  [/^this origin may not call the codec server$/, () => '此来源无权调用载荷编解码服务'],
  [/^payload (\S+) cannot be decrypted: .*$/, (i) => `载荷 payloads.${i} 无法解密`],
  [/^cannot be decrypted with PAYLOAD_KEYS$/, () => '无法用已配置的载荷密钥（PAYLOAD_KEYS）解密'],
  [/^must be base64$/, () => '须为 base64 编码'],
  [/^shutting down$/, () => '服务正在关闭，请稍后重试'],
  [/^srdiLevel and srdiValidUntil go together$/, () => '专精特新级别与有效期须同时填写'],
  [/^must be a date YYYY-MM-DD$/, () => '须为日期（YYYY-MM-DD）'],
  [/^is not a calendar date$/, () => '不是有效的日期'],
  [/^must be an integer number of fen$/, () => '金额最多两位小数'],
  [/^must be an UPPER_SNAKE_CASE code$/, () => '代码格式错误'],
  [/^must be printable ASCII without spaces$/, () => '只能是不含空格的可打印 ASCII 字符'],
  [
    /^must be (\d+)-(\d+) letters, digits, (.+)$/,
    (a, b, rest) => `须为 ${a}-${b} 位字母、数字或 ${rest.replace(/,? or /g, '、').replace(/, /g, '、')}`,
  ],
  [/^must be (\d+)-(\d+) digits$/, (a, b) => `须为 ${a}-${b} 位数字`],
  [/^must be a (document|notice) id$/, (w) => `不是有效的${w === 'document' ? '材料' : '公示批次'}编号`],
  [
    /^must not repeat a (document|track|date|field)$/,
    (w) => `${{ document: '材料', track: '补贴类别', date: '日期', field: '领域' }[w]}不能重复`,
  ],
  [/^must be "committee" or "street:<office name>"$/, () => '须为 committee（管委会）或 street:街镇名称'],
  [/^must be (\d{4}) or later$/, (y) => `不能早于 ${y} 年`],
  [/^must be (\d{4}) or earlier$/, (y) => `不能晚于 ${y} 年`],
  [/^must explain the objection \(at least (\d+) characters\)$/, (n) => `请说明异议理由（至少 ${n} 个字）`],
  [/^an SRDI rate may not exceed 5000 bp \(50 %\)$/, () => '专精特新补贴比例不能超过 50%'],
  [/^the frontier rate may not exceed 5000 bp \(50 %\)$/, () => '前沿领域补贴比例不能超过 50%'],
  [/^is a percentage: at most 100$/, () => '百分比不能超过 100'],
  [/^the hand-off of this referral has closed$/, () => '该授信推荐的答复期已结束'],
  [/^the workflow did not answer in time; try again$/, () => '流程未及时响应，请稍后重试'],
  [/^the application is no longer open for this action$/, () => '该申请已不能进行此操作'],
  [/^Temporal is unavailable; try again$/, () => '流程服务暂不可用，请稍后重试'],
  [/^Temporal did not answer in time; try again$/, () => '流程服务未及时响应，请稍后重试'],
  [/^Temporal is overloaded; try again$/, () => '流程服务繁忙，请稍后重试'],
  [/^the workflow cannot take this action right now; try again$/, () => '流程暂时无法处理此操作，请稍后重试'],
  [
    /^(you|\S+) reviewed this application earlier and may not give the final approval$/,
    (w) => `四眼原则：${w === 'you' ? '您' : w}已参与本申请的初审或专家评估，不能再作终审或异议复核`,
  ],
  [
    /^(you|\S+) reviewed this application earlier and may not judge the objections to it$/,
    (w) => `四眼原则：${w === 'you' ? '您' : w}已参与本申请的初审或专家评估，不能再作异议复核`,
  ],
  [
    /^(you|\S+) gave the final approval of this application and may not judge the objections to it$/,
    (w) => `四眼原则：${w === 'you' ? '您' : w}作出了本申请的终审批准，不能再复核对它的异议`,
  ],
  [/^task (\S+) is not open on this application$/, () => '该任务已不在办理中'],
  [/^a decision on this (task|payment) is being recorded$/, () => '正在记录对此事项的决定，请稍候'],
  [
    /^(\w+) cannot work (\S+) tasks here$/,
    (r, q) => `${label(ROLE_LABELS, r)}不能办理此${label(QUEUE_LABELS, q)}任务`,
  ],
  [/^only the applying enterprise may do this$/, () => '只有申请企业本身可以进行此操作'],
  [/^task is claimed by someone else$/, () => '该任务已被他人领取'],
  [/^only the claimer or a supervisor may unclaim$/, () => '只有领取人或队列主管可以退回任务'],
  [/^only a supervisor may assign tasks$/, () => '只有队列主管可以指派任务'],
  [/^claim the task before deciding$/, () => '请先领取任务再作决定'],
  [/^"(\w+)" is not a decision of the (\S+) queue$/, (_d, q) => `${label(QUEUE_LABELS, q)}环节不能作此决定`],
  [/^a request for information needs infoRequest.message$/, () => '要求补充材料时，请写明需要补充的内容'],
  [
    /^a rejection needs a reasonCode or a comment for the applicant$/,
    () => '不予通过时，请选择原因或填写审核意见',
  ],
  [/^an expert decision needs an appraisal \(grade and opinion\)$/, () => '专家评估须给出评级和意见'],
  [
    /^supplements are accepted only while information is requested \(now (\w+)\)$/,
    (s) => `只有在要求补充材料时才能提交补充材料（当前状态：${status(s)}）`,
  ],
  [/^objections are taken only while the notice is open$/, () => '只在公示期内受理异议'],
  [
    /^the loan request can no longer change: the bank hand-off has started$/,
    () => '已推荐给合作银行，贷款需求不能再修改',
  ],
  [/^only an administrator may do this$/, () => '只有系统管理员可以进行此操作'],
  [/^give the reason for the record$/, () => '请填写理由'],
  [/^the application is already ending$/, () => '该申请正在终止'],
  [
    /^the application can no longer be (cancelled|withdrawn) \(now (\w+)\)$/,
    (a, s) => `该申请已不能${a === 'cancelled' ? '撤销' : '撤回'}（当前状态：${status(s)}）`,
  ],
  [/^no failed payment to retry \(now (\w+)\)$/, (s) => `没有可重试的失败拨付（当前状态：${status(s)}）`],
  [/^no such referral for this bank$/, () => '该银行没有此授信推荐'],
  [/^this referral has already been answered$/, () => '此授信推荐已经答复'],
  [/^must be a quarter such as 2026Q3$/, () => '应为季度，如 2026Q3'],
  [/^the site-visit result breaks its rules$/, () => '走访结果不符合填写要求，请按提示修改标出的各项'],
  [/^every checklist item must be answered$/, () => '每个核查项都须填写'],
  [/^a passed visit has every checklist item yes$/, () => '走访通过时每个核查项都应为“是”'],
  [/^a failed or unreachable visit needs a note$/, () => '走访未通过或无法走访时须填写说明'],
  [/^only a failed visit may ask for recovery$/, () => '只有未通过的走访才能建议追回'],
  [/^this site visit belongs to another office$/, () => '该实地走访任务属于其他街道（镇）'],
  [/^this site visit’s result is already recorded$/, () => '该实地走访结果已经记录'],
  [/^too many reports are being made; try again shortly$/, () => '正在生成的报告过多，请稍后重试'],
  [/^no Chromium to print the report with .*$/, () => '没有可用于打印 PDF 的 Chromium，HTML 版报告仍可查看'],
  [/^Chromium could not be started.*$/, () => 'PDF 生成服务暂不可用，HTML 版报告仍可查看'],
];

/** The message in the caller's language: English as thrown, or its Chinese (the English when none is known). */
export function localize(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  const translate = (part: string): string | null => {
    for (const [re, zh] of TEMPLATES) {
      const m = re.exec(part);
      if (m) return zh(...m.slice(1).map((g) => g ?? ''));
    }
    return null;
  };
  // A field's reasons are joined with '; ' (api/errors.ts validationError).
  return (
    translate(message) ??
    message
      .split('; ')
      .map((part) => translate(part) ?? part)
      .join('；')
  );
}

/** For the test that every message thrown in the code has its Chinese. */
export const MESSAGE_TEMPLATES = TEMPLATES;
