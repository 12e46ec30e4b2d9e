/**
 * Response schemas of the endpoints the console reads: they feed the OpenAPI document (and so the
 * console's generated types); they are not checked at run time.
 */
import { z } from 'zod';
import { RISK_FLAG_KINDS } from '../domain/riskFlags';

/** An amount in fen as answered (requests take `Fen` of schemas.ts, which also bounds it). */
export const Fen = z.number().int();
const FenOrNull = Fen.nullable();
export const Instant = z.string().describe('ISO-8601 instant');
const Day = z.string().describe('YYYY-MM-DD');
const Bilingual = z.object({ zh: z.string(), en: z.string() });
const Paged = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

export const Reason = z.object({
  code: z.string(),
  blocking: z.boolean(),
  zh: z.string(),
  en: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const DocumentView = z.object({
  id: z.string(),
  type: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  applicationId: z.string().nullable(),
  createdAt: Instant,
});

/** `GET /api/v1/documents`; an applicant also gets its quota of documents not attached to an application. */
export const DocumentList = Paged(DocumentView).extend({
  quota: z
    .object({
      count: z.number().int(),
      bytes: z.number().int(),
      maxCount: z.number().int(),
      maxBytes: z.number().int(),
      purgeAfterDays: z.number().int(),
    })
    .optional(),
});

/** A bank account as most roles see it: the number masked but for its last four digits. */
export const BankAccountView = z.object({
  bankName: z.string(),
  accountName: z.string(),
  accountNumber: z.string(),
});

export const EnterpriseView = z.object({
  creditCode: z.string(),
  name: z.string(),
  district: z.string(),
  size: z.string(),
  foundedOn: Day.nullable(),
  mainField: z.string(),
  techCertifiedUntil: Day.nullable().optional(),
  techSmeValidUntil: Day.nullable().optional(),
  highTechCertifiedOn: Day.nullable().optional(),
  highTechValidUntil: Day.nullable().optional(),
  srdiLevel: z.string().nullable(),
  srdiValidUntil: Day.nullable(),
  contactEmail: z.string(),
  bankAccount: BankAccountView.nullable(),
  updatedAt: Instant,
});

const Policy = z.object({
  insurerCode: z.string(),
  policyNumber: z.string(),
  productCode: z.string(),
  startDate: Day,
  endDate: Day,
  premiumFen: Fen,
  paidPremiumFen: Fen,
  paidAt: Instant,
  sumInsuredFen: Fen,
});

/** An anomaly flag (风险提示): staff only, never applicants or banks (its evidence names other enterprises). */
export const RiskFlag = z.object({
  id: z.string(),
  applicationId: z.string(),
  kind: z.enum(RISK_FLAG_KINDS),
  state: z.enum(['open', 'dismissed']),
  reasonZh: z.string(),
  reasonEn: z.string(),
  evidence: z
    .unknown()
    .describe('what the flag rests on: other enterprises and applications, the product’s median and range'),
  createdAt: Instant,
  dismissedAt: Instant.nullable(),
  dismissedBy: z.string().nullable(),
  dismissReason: z.string().nullable(),
});
export const RiskFlagList = z.object({
  items: z.array(RiskFlag.extend({ enterpriseName: z.string(), creditCode: z.string(), status: z.string() })),
  counts: z.array(z.object({ kind: z.enum(RISK_FLAG_KINDS), count: z.number().int() })),
});

export const ApplicationView = z.object({
  id: z.string(),
  creditCode: z.string(),
  enterpriseName: z.string(),
  track: z.string(),
  status: z.string(),
  programYear: z.number().int(),
  workflowId: z.string(),
  temporalUrl: z.string().nullable(),
  policy: Policy,
  loanInterest: z.object({ amountFen: Fen, termMonths: z.number().int(), purpose: z.string() }).nullable(),
  subsidy: z.object({
    computedFen: FenOrNull,
    grantedFen: FenOrNull,
    rateBp: z.number().int().nullable(),
    baseFen: FenOrNull,
    subsidyYear: z.number().int().nullable(),
    payee: z.unknown(),
    reasons: z.array(Reason).nullable(),
  }),
  reviewOrg: z.string().nullable(),
  verifiedFacts: z.unknown(),
  documents: z.array(DocumentView),
  facts: z
    .array(
      z.object({
        key: z.string(),
        group: z.enum(['enterprise', 'policy']),
        label: Bilingual,
        kind: z.string(),
        declared: z.unknown(),
        verified: z.unknown(),
        same: z.boolean().nullable(),
      }),
    )
    .nullable(),
  payments: z.array(
    z.object({
      attempt: z.number().int(),
      status: z.string(),
      amountFen: Fen,
      failureReason: z.string().nullable(),
      requestedAt: Instant,
      settledAt: Instant.nullable(),
    }),
  ),
  approvedAt: Instant.nullable(),
  disbursedAt: Instant.nullable(),
  /** Who is paid, fixed at final approval (an application paid to its insurer has none). */
  payeeAccount: BankAccountView.nullable(),
  payeeFixedAt: Instant.nullable(),
  currentTask: z
    .object({
      id: z.string(),
      queue: z.string(),
      state: z.string(),
      assignee: z.string().nullable(),
      dueAt: Instant,
      overdue: z.boolean(),
    })
    .nullable(),
  infoRequest: z.object({ message: z.string(), deadline: Instant }).nullable(),
  needsAttention: z.boolean(),
  attentionReason: z.string().nullable(),
  /** The anomaly flags, for staff (null for applicants). */
  riskFlags: z.array(RiskFlag).nullable(),
  decisions: z.array(
    z.object({
      at: Instant,
      actor: z.string(),
      comment: z.string().nullable(),
      queue: z.string(),
      decision: z.string(),
      reasonCode: z.string().nullable().optional(),
      appraisal: z.object({ grade: z.string(), opinion: z.string() }).nullable().optional(),
    }),
  ),
  timeline: z.array(
    z.object({
      at: Instant,
      status: z.string(),
      action: z.string(),
      actor: z.string(),
      actorRole: z.string(),
      note: z.string().nullable(),
      summary: Bilingual.nullable(),
    }),
  ),
  createdAt: Instant,
  updatedAt: Instant,
});

export const ApplicationList = Paged(
  z.object({
    id: z.string(),
    creditCode: z.string(),
    enterpriseName: z.string(),
    track: z.string(),
    status: z.string(),
    computedFen: FenOrNull,
    grantedFen: FenOrNull,
    createdAt: Instant,
    statusChangedAt: Instant,
  }),
);

export const StatusChange = z.object({ applicationId: z.string(), status: z.string() });

const TaskFields = {
  id: z.string(),
  queue: z.string(),
  applicationId: z.string(),
  org: z.string().nullable(),
  state: z.string(),
  assignee: z.string().nullable(),
  createdAt: Instant,
  dueAt: Instant,
  overdue: z.boolean(),
  escalatedAt: Instant.nullable(),
};
export const TaskList = Paged(
  z.object({
    ...TaskFields,
    enterpriseName: z.string(),
    track: z.string(),
    riskFlags: z
      .array(RiskFlag.pick({ id: true, kind: true, reasonZh: true, reasonEn: true }))
      .describe('the application’s open anomaly flags'),
  }),
).extend({
  totalCapped: z
    .boolean()
    .describe(
      'true when more tasks match than the count goes to (TASK_COUNT_CAP, 1,000): `total` is then the cap',
    ),
});
export const TaskView = z.object({
  ...TaskFields,
  completedAt: Instant.nullable(),
  outcome: z.string().nullable(),
  /** The application's anomaly flags, open ones first. */
  riskFlags: z.array(RiskFlag),
  objections: z
    .array(
      z.object({
        id: z.string(),
        number: z.string(),
        filedAt: Instant,
        name: z.string(),
        contact: z.string(),
        reason: z.string(),
        outcome: z.string().nullable(),
      }),
    )
    .optional(),
});
export const TaskSummary = z.object({
  queues: z.array(
    z.object({
      queue: z.string(),
      open: z.number(),
      claimed: z.number(),
      mine: z.number(),
      overdue: z.number(),
    }),
  ),
});
export const TaskChange = z
  .object({ applicationId: z.string(), status: z.string().optional(), state: z.string().optional() })
  .loose();

export const NoticeList = Paged(
  z.object({
    id: z.string(),
    number: z.string().describe('GS-2026-0007'),
    publishedAt: Instant,
    endsAt: Instant,
    status: z.enum(['OPEN', 'CLOSED']),
    items: z.array(
      z.object({
        applicationId: z.string(),
        enterpriseName: z.string(),
        creditCode: z.string(),
        track: z.string(),
        grantedFen: Fen,
      }),
    ),
  }),
);
export const ObjectionReceipt = z.object({
  id: z.string(),
  number: z.string().nullable().describe('the receipt number, YY-2026-000123'),
  applicationId: z.string(),
  status: z.string(),
});

export const CatalogList = z.object({
  items: z.array(
    z.object({
      productCode: z.string(),
      insurerCode: z.string(),
      name: z.string(),
      kind: z.string(),
      category: z.string(),
      exclusiveFields: z.array(z.string()),
      activeFrom: Day,
      activeTo: Day.nullable(),
    }),
  ),
});

export const ReferralList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      applicationId: z.string(),
      profile: z.record(z.string(), z.unknown()),
      status: z.string(),
      deadlineAt: Instant,
      late: z.boolean(),
      response: z
        .object({
          respondedAt: Instant,
          creditLineFen: FenOrNull,
          annualRateBp: z.number().int().nullable(),
          termMonths: z.number().int().nullable(),
          note: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
  total: z.number().int(),
});

export const Publication = z.object({
  batchId: z.string().nullable(),
  number: z.string().nullable().describe('GS-2026-0007'),
  count: z.number().int(),
  endsAt: Instant.nullable(),
});

export const StuckList = z.object({
  generatedAt: Instant,
  scanned: z.number().int(),
  truncated: z.boolean(),
  total: z.number().int(),
  items: z.array(
    z.object({
      kind: z.string(),
      applicationId: z.string().nullable(),
      workflowId: z.string(),
      workflowType: z.string().nullable(),
      status: z.string().nullable(),
      reason: z.string().describe('for the log and the runbook'),
      summary: Bilingual.describe('the reason for people'),
      since: Instant,
      ageSeconds: z.number(),
      temporalUrl: z.string(),
    }),
  ),
});
export const AdminActionResult = z.object({ id: z.string(), status: z.string() });

const CalendarFields = {
  year: z.number().int(),
  source: z.enum(['package', 'loaded', 'missing']),
  known: z.boolean(),
  note: z.string().nullable(),
  loadedBy: z.string().nullable(),
  loadedAt: Instant.nullable(),
};
export const CalendarYear = z.object({ ...CalendarFields, holidays: z.array(Day), workdays: z.array(Day) });
export const CalendarOverview = z.object({
  currentYear: z.number().int(),
  missingYears: z.array(z.number().int()),
  warning: z.string().nullable(),
  items: z.array(
    z.object({ ...CalendarFields, holidayCount: z.number().int(), workdayCount: z.number().int() }),
  ),
});

const BudgetAmounts = { totalFen: Fen, reservedFen: Fen, spentFen: Fen, availableFen: Fen };
export const BudgetView = z.object({
  year: z.number().int(),
  ...BudgetAmounts,
  tracks: z.record(z.string(), z.object(BudgetAmounts)),
});

export const BudgetForecastView = z.object({
  year: z.number().int(),
  today: Day.describe('Beijing day the forecast is made on'),
  weeks: z.number().int(),
  windowCloses: Day.describe('the Beijing day the programme’s application window closes'),
  budgets: z.array(
    z.object({
      track: z.string().describe('ALL (the year’s total) or the track of a sub-budget'),
      totalFen: Fen,
      committedFen: Fen.describe('reserved + spent'),
      paidFen: Fen.describe('spent'),
      remainingFen: Fen,
      paceFrom: Day.describe('first day of the pace’s window (today is its last)'),
      paceDays: z.number().int(),
      paceCommittedFen: Fen.describe('granted in the pace’s window (grants still held)'),
      paceFenPerDay: Fen.describe('floor(paceCommittedFen / paceDays), fen per calendar day'),
      exhaustionDay: Day.nullable().describe('null: nothing remains (exhausted) or no pace'),
      exhausted: z.boolean(),
      windowCloses: Day.nullable(),
      beforeWindowCloses: z.boolean(),
      daily: z.array(z.object({ day: Day, fen: Fen })).describe('fen granted per day of the pace’s window'),
    }),
  ),
});

export const BankView = z.object({
  bankCode: z.string(),
  name: z.string(),
  contactEmail: z.string(),
  criteria: z.object({
    tracks: z.array(z.string()),
    minAmountFen: Fen,
    maxAmountFen: Fen,
    maxTermMonths: z.number().int(),
  }),
  active: z.boolean(),
});
export const BankList = z.object({ items: z.array(BankView) });
export const StaffView = z.object({
  subject: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  org: z.string().nullable(),
  supervisor: z.boolean(),
  active: z.boolean(),
  updatedAt: Instant,
});
export const StaffList = z.object({ items: z.array(StaffView) });

/** A change of payee (data/payee.ts), account numbers masked. */
export const PayeeChange = z.object({
  id: z.string(),
  applicationId: z.string(),
  state: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  from: BankAccountView.nullable(),
  to: BankAccountView.nullable(),
  reason: z.string(),
  requestedBy: z.string(),
  requestedAt: Instant,
  decidedBy: z.string().nullable(),
  decidedAt: Instant.nullable(),
  comment: z.string().nullable(),
});
export const PayeeChangeList = z.object({ items: z.array(PayeeChange) });

/** The audit trail, newest first (data/audit.ts); `data` holds `before`/`after` of a change. */
export const AuditList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: Instant,
      actor: z.string(),
      actorRole: z.string(),
      action: z.string(),
      entity: z.string().nullable(),
      entityId: z.string().nullable(),
      applicationId: z.string().nullable(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      note: z.string().nullable(),
      data: z.unknown(),
    }),
  ),
  nextBefore: z.string().nullable(),
});

export const WakeResult = z.object({
  id: z.string(),
  outcome: z.enum(['WOKEN', 'GAVE_UP_PLACE', 'NOT_WAITING']),
  reservation: z.string().nullable(),
});
