import { temporal } from '@temporalio/proto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTemporalCli } from '../../dev/embedded/temporalCli';
import { shanghaiYear } from '../../domain/calendar';
import { defaultProgram } from '../../domain/program';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../platform/payloadCodec';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { approvedApplication } from '../helpers/world';

/**
 * Personal data stays out of Temporal's workflow histories: what the server stores (read raw from the dev
 * server) holds encrypted payloads only, no objector's name or phone number; decrypted with the payload key
 * the same history has them (so they were there to hide), and holds no secret token even then: the survey
 * link is signed where its e-mail is rendered.
 */
const OBJECTOR = '隐私测试王某某';
const PHONE = '13912345678';
const REASON = '该企业实际经营地存疑（隐私测试）';

let stack: TestStack;
beforeAll(async () => {
  // A notice period of five working days passes in about ten seconds, a month of follow-up in about 35.
  stack = await startStack({ TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' });
});
afterAll(async () => {
  await stack?.stop();
});

type RawPayload = temporal.api.common.v1.IPayload;
const encodingOf = (p: RawPayload) => {
  const encoding = p.metadata?.encoding as Uint8Array | string | undefined;
  return typeof encoding === 'string'
    ? Buffer.from(encoding, 'base64').toString()
    : Buffer.from(encoding ?? new Uint8Array()).toString();
};

/** The workflow's history exactly as the server keeps it, page by page, as protobuf bytes and events. */
async function rawHistory(workflowId: string, runId?: string) {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await stack.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: stack.config.temporal.namespace,
      execution: { workflowId, runId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const history = { events };
  return { events, bytes: Buffer.from(temporal.api.history.v1.History.encode(history).finish()) };
}

/**
 * The SDK's own bookkeeping in its markers, which the codec does not see either: a patch's id (`core_patch`),
 * a local activity's sequence number, attempt, type and times (`core_local_activity`'s `data`; its `result`
 * is the codec's). Collected apart, and checked to hold nothing but these fields.
 */
const SDK_MARKER_DATA: Record<string, string> = { core_patch: 'patch-data', core_local_activity: 'data' };
const SDK_MARKER_FIELDS = [
  'id',
  'deprecated',
  'seq',
  'attempt',
  'activity_id',
  'activity_type',
  'complete_time',
  'backoff',
  'original_schedule_time',
];

/**
 * Every payload anywhere in the events (inputs, results, updates, signals, memo, summary...), but search
 * attributes (they are not the codec's: the UI filters by them, and they hold no personal data) and the
 * SDK's marker bookkeeping, which goes to `sdk`.
 */
function payloadsIn(
  value: unknown,
  found: RawPayload[] = [],
  json = false,
  sdk: RawPayload[] = [],
): RawPayload[] {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return found;
  const v = value as Record<string, unknown>;
  // As protobuf objects (bytes), or as protobuf JSON (base64 strings) when `json`.
  const data = json ? typeof v.data === 'string' : ArrayBuffer.isView(v.data);
  if (v.metadata && typeof v.metadata === 'object' && data) {
    found.push(v);
    return found;
  }
  const bookkeeping = typeof v.markerName === 'string' ? SDK_MARKER_DATA[v.markerName] : undefined;
  for (const [key, child] of Object.entries(v)) {
    if (key === 'searchAttributes') continue;
    if (bookkeeping && key === 'details' && child && typeof child === 'object') {
      for (const [name, entry] of Object.entries(child))
        payloadsIn(entry, name === bookkeeping ? sdk : found, json, sdk);
    } else payloadsIn(child, found, json, sdk);
  }
  return found;
}

/** The fields of the SDK's marker bookkeeping (each payload a JSON object). */
const bookkeepingFields = (sdk: RawPayload[], json = false) =>
  new Set(
    sdk.flatMap((p) =>
      Object.keys(
        JSON.parse(
          json ? Buffer.from(String(p.data), 'base64').toString() : Buffer.from(p.data ?? []).toString(),
        ) as object,
      ),
    ),
  );

describe('workflow histories', () => {
  it('hold no plaintext of an objector, and no survey token even once decrypted', async () => {
    const admin = await as(stack, { role: 'admin' });
    const year = shanghaiYear(new Date());
    // The follow-up survey a month after payment, so that this test sees its e-mail.
    const program = await admin.put(`/api/v1/programs/${year}`, {
      ...defaultProgram(year),
      followUpMonths: [1],
    });
    expect(program.status).toBe(201);

    const { id, a } = await approvedApplication(stack);
    const published = await admin.post('/api/v1/admin/notices/publish');
    expect(published.status).toBe(201);
    const batchId = published.body.batchId as string;
    const statusOf = async () => (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;
    await eventually(statusOf, (s) => s === 'IN_PUBLIC_NOTICE');
    const filed = await new ApiClient(stack.baseUrl).post(`/api/v1/notices/${batchId}/objections`, {
      applicationId: id,
      name: OBJECTOR,
      contact: PHONE,
      reason: REASON,
    });
    expect(filed.status).toBe(201);
    const task = await eventually(
      () =>
        stack.db.task.findFirst({ where: { applicationId: id, queue: 'objection-review', state: 'OPEN' } }),
      (t) => t !== null,
    );
    const approver = await as(stack, { role: 'approver', subject: 'approver-privacy', org: 'committee' });
    await approver.post(`/api/v1/tasks/${task!.id}/claim`);
    const dismissed = await approver.post(`/api/v1/tasks/${task!.id}/decision`, {
      decision: 'approve',
      comment: '异议不成立',
    });
    expect(dismissed.status).toBe(200);

    // Paid when the notice ends, then the survey e-mail with its signed link, which works.
    const mails = await stack.smtp.waitFor(
      (all) => all.some((m) => m.to.includes(a.email) && m.subject.includes('回访')),
      120_000,
    );
    const survey = mails.find((m) => m.to.includes(a.email) && m.subject.includes('回访'))!;
    const token = /#\/surveys\/([\w.-]+)/.exec(survey.text)![1]!;
    expect((await new ApiClient(stack.baseUrl).get(`/api/v1/surveys/${token}`)).status).toBe(200);
    expect(await statusOf()).toMatch(/^(TRACKING|CLOSED)$/);

    const workflows = [];
    for await (const wf of stack.temporal.workflow.list({
      query: `TaskQueue="${stack.config.temporal.taskQueue}"`,
    }))
      workflows.push(wf);
    const types = workflows.map((w) => w.type);
    expect(types).toEqual(expect.arrayContaining(['applicationWorkflow', 'noticeBatchWorkflow']));
    expect(workflows.map((w) => w.workflowId)).toContain(applicationWorkflowId(id));

    const codec = new AesGcmPayloadCodec(stack.config.payloadKeys);
    let decryptedText = '';
    for (const wf of workflows) {
      const { events, bytes } = await rawHistory(wf.workflowId, wf.runId);
      // What the server holds: no name, phone, reason or token, in any event.
      for (const secret of [OBJECTOR, PHONE, REASON, token])
        expect([wf.type, secret, bytes.includes(Buffer.from(secret))]).toEqual([wf.type, secret, false]);
      const sdk: RawPayload[] = [];
      const payloads = payloadsIn(events, [], false, sdk);
      expect(payloads.length).toBeGreaterThan(0);
      expect([wf.type, [...bookkeepingFields(sdk)].filter((f) => !SDK_MARKER_FIELDS.includes(f))]).toEqual([
        wf.type,
        [],
      ]);
      expect([wf.type, [...new Set(payloads.map(encodingOf))]]).toEqual([wf.type, [ENCRYPTED_ENCODING]]);
      for (const p of await codec.decode(payloads)) decryptedText += Buffer.from(p.data ?? []).toString();
    }
    // The objection was in the history (the application's update that files it), encrypted.
    expect(decryptedText).toContain(OBJECTOR);
    expect(decryptedText).toContain(PHONE);
    // No activity result or input carries the survey's token, even decrypted.
    expect(decryptedText).toContain(`"validDays":90`);
    expect(decryptedText).not.toContain(token);
    expect(decryptedText).not.toContain('/#/surveys/');
  });

  it("are read in clear by an administrator through the API's codec server, as the Temporal CLI does", async () => {
    // The objection reached the application's workflow (its update's input).
    const { applicationId } = await stack.db.objection.findFirstOrThrow({ where: { name: OBJECTOR } });
    /** The payloads of `temporal workflow show --output json`: their encodings and their data. */
    const show = async (codecAuth?: string) => {
      const { stdout } = await promisify(execFile)(findTemporalCli(), [
        'workflow',
        'show',
        '--address',
        stack.config.temporal.address,
        '--workflow-id',
        applicationWorkflowId(applicationId),
        '--output',
        'json',
        '--codec-endpoint',
        `${stack.baseUrl}/api/v1/codec`,
        ...(codecAuth ? ['--codec-auth', codecAuth] : []),
      ]);
      const found = payloadsIn(JSON.parse(stdout) as unknown, [], true);
      return {
        encodings: new Set(found.map(encodingOf)),
        text: found.map((p) => Buffer.from(String(p.data), 'base64').toString()).join('\n'),
      };
    };
    const admin = await as(stack, { role: 'admin', subject: 'operator-sun' });
    const decoded = await show(`Bearer ${admin.token}`);
    expect([...decoded.encodings]).toEqual(['json/plain']);
    expect(decoded.text).toContain(OBJECTOR);
    expect(decoded.text).toContain(PHONE);
    // Without an administrator's token the codec server decodes nothing.
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    for (const auth of [undefined, `Bearer ${reviewer.token}`]) {
      const refused = await show(auth).catch((err: Error) => ({
        encodings: new Set<string>(),
        text: err.message,
      }));
      expect(refused.text).not.toContain(OBJECTOR);
      expect(refused.encodings.has('json/plain')).toBe(false);
    }
  });
});
