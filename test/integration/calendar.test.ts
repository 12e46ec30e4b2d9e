import { createCalendarActivities } from '../../activities/calendar';
import { shanghaiDate, shanghaiYear } from '../../domain/calendar';
import { packagedCalendar } from '../../data/calendar';
import { calendarProvider, overlayCalendar, type CalendarYearDays } from '../../data/calendarStore';
import { ApiClient, as, eventually, stackPerFile, type TestStack } from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

let stack: TestStack;
let admin: ApiClient;
let anon: ApiClient;
stackPerFile(async (s) => {
  stack = s;
  admin = await as(s, { role: 'admin', subject: 'admin-wang' });
  anon = new ApiClient(s.baseUrl);
});

const packaged = packagedCalendar();
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Submits an inclusive application and waits for its initial-review task: due date, last day and note. */
async function initialReviewTask() {
  const a = await newApplicant(stack, 'INCLUSIVE');
  const res = await submit(stack, a, 'INCLUSIVE');
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const opened = await eventually(
    () => stack.db.auditEvent.findFirst({ where: { applicationId: id, action: 'TASK_OPENED' } }),
    (e) => e !== null,
  );
  const view = (await a.client.get(`/api/v1/applications/${id}`)).body;
  const data = opened!.data as { dueAt: string; lastDay: string };
  return {
    openedAt: opened!.at,
    dueAt: data.dueAt,
    lastDay: data.lastDay,
    note: opened!.note!,
    timelineNote: view.timeline.find((e: { action: string }) => e.action === 'TASK_OPENED').note as string,
    currentTaskDueAt: view.currentTask.dueAt as string,
  };
}

describe('working-day calendar upkeep', () => {
  const thisYear = shanghaiYear(new Date());
  const nextYear = thisYear + 1;

  // Before anything is loaded: the packaged data ends with the State Council's last notice.
  it('warns on /readyz and in the calendar list while the current or next year has no official calendar, staying ready', async () => {
    const missing = [thisYear, nextYear].filter((y) => !packaged.knownYears.has(y));
    expect(missing).toContain(nextYear); // the pinned package ends before next year
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.details.calendar).toMatchObject({ currentYear: thisYear, missingYears: missing });
    expect(ready.body.warnings).toHaveLength(1);
    expect(ready.body.warnings[0]).toContain(String(nextYear));

    const list = await admin.get('/api/v1/admin/calendar');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ missingYears: missing, warning: ready.body.warnings[0] });
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ year: nextYear, source: 'missing', known: false, holidayCount: 0 }),
        expect.objectContaining({ year: 2026, source: 'package', known: true }),
      ]),
    );
    const y2026 = await admin.get('/api/v1/admin/calendar/2026');
    expect(y2026.body).toMatchObject({ year: 2026, source: 'package', known: true, loadedBy: null });
    expect(y2026.body.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-02-17']));
    expect(y2026.body.workdays).toEqual(expect.arrayContaining(['2026-10-10', '2026-02-14']));
  });

  it('notes a task deadline across an unannounced year in the timeline; a loaded year moves the deadline and ends the note', async () => {
    // An initial-review period long enough to end in the next year (or as long as allowed, early in a year).
    const today = shanghaiDate(new Date());
    let left = 0;
    for (let d = nextDay(today); d.startsWith(`${thisYear}-`); d = nextDay(d))
      if (packaged.isWorkingDay(d)) left++;
    const sla = Math.min(250, left + 3);
    const program = (await admin.get(`/api/v1/programs/${thisYear}`)).body;
    const put = await admin.put(`/api/v1/programs/${thisYear}`, {
      ...program,
      reviewSlaWorkingDays: { ...program.reviewSlaWorkingDays, initial: sla },
    });
    expect(put.status).toBe(200);

    const before = await initialReviewTask();
    const lastYear = Number(before.lastDay.slice(0, 4));
    const crossed = packaged.deadline(before.openedAt, sla).unknownYears;
    expect(crossed).toContain(lastYear);
    expect(before.dueAt).toBe(packaged.deadline(before.openedAt, sla).at.toISOString());
    expect(before.currentTaskDueAt).toBe(before.dueAt);
    expect(before.note).toContain(`deadline crosses ${crossed.join(', ')}`);
    expect(before.timelineNote).toBe(before.note);

    // The State Council's notice: the task's last day turns out to be a holiday.
    const loaded: CalendarYearDays[] = crossed.map((year) => ({
      year,
      holidays: year === lastYear ? [before.lastDay] : [],
      workdays: [],
    }));
    for (const y of loaded) {
      const res = await admin.put(`/api/v1/admin/calendar/${y.year}`, {
        holidays: y.holidays,
        workdays: y.workdays,
        note: 'test notice',
      });
      expect(res.status).toBe(201);
    }

    const after = await initialReviewTask();
    const overlaid = overlayCalendar(packaged, loaded);
    expect(after.dueAt).toBe(overlaid.deadline(after.openedAt, sla).at.toISOString());
    expect(after.dueAt).not.toBe(packaged.deadline(after.openedAt, sla).at.toISOString());
    expect(after.lastDay > before.lastDay).toBe(true);
    expect(after.note).toBe('initial-review');
    expect(after.timelineNote).toBe('initial-review');
  });

  it('ends the /readyz warning once the missing years are loaded', async () => {
    const { missingYears } = (await anon.get('/readyz')).body.details.calendar as { missingYears: number[] };
    for (const y of missingYears) {
      const res = await admin.put(`/api/v1/admin/calendar/${y}`, { holidays: [`${y}-01-01`], note: '元旦' });
      expect(res.status).toBe(201);
    }
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.warnings).toEqual([]);
    expect(ready.body.details.calendar).toMatchObject({ missingYears: [], warning: null });
    const next = await admin.get(`/api/v1/admin/calendar/${nextYear}`);
    expect(next.body).toMatchObject({ source: 'loaded', known: true, loadedBy: 'admin-wang' });
    const list = await admin.get('/api/v1/admin/calendar');
    expect(list.body).toMatchObject({ missingYears: [], warning: null });
  });

  it('computes deadlines with the loaded holidays and make-up working days, replacing a year on each load (audited)', async () => {
    const deadlines = createCalendarActivities({ calendar: calendarProvider(stack.db) });
    const at = (workingDays: number) =>
      deadlines.computeDeadline({ from: '2097-12-30T10:00:00+08:00', workingDays, timeAcceleration: 1 });
    // Monday 30 December 2097: with no notice, 31 December, 1 and 2 January count as working days.
    expect(await at(3)).toEqual({
      dueAt: '2098-01-02T16:00:00.000Z',
      lastDay: '2098-01-02',
      unknownYears: [2097, 2098],
    });

    expect((await admin.put('/api/v1/admin/calendar/2097', { holidays: [] })).status).toBe(201);
    const first = await admin.put('/api/v1/admin/calendar/2098', {
      holidays: ['2098-01-01'],
      workdays: ['2098-01-04'],
      note: '国办发明电〔2097〕1号',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      year: 2098,
      source: 'loaded',
      known: true,
      holidays: ['2098-01-01'],
      workdays: ['2098-01-04'],
      note: '国办发明电〔2097〕1号',
      loadedBy: 'admin-wang',
    });
    expect(await at(3)).toEqual({
      dueAt: '2098-01-03T16:00:00.000Z',
      lastDay: '2098-01-03',
      unknownYears: [],
    });
    expect((await at(4)).lastDay).toBe('2098-01-04'); // the make-up Saturday

    const second = await admin.put('/api/v1/admin/calendar/2098', { holidays: ['2098-01-02', '2098-01-03'] });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ holidays: ['2098-01-02', '2098-01-03'], workdays: [] });
    expect((await admin.get('/api/v1/admin/calendar/2098')).body).toEqual(second.body);
    // 31 Dec, 1 Jan (no longer a holiday), then Monday 6 January.
    expect((await at(3)).lastDay).toBe('2098-01-06');

    const audit = await stack.db.auditEvent.findMany({
      where: { action: 'CALENDAR_LOADED', actor: 'admin-wang' },
      orderBy: { id: 'asc' },
    });
    const of2098 = audit.filter((e) => (e.data as { year: number }).year === 2098);
    expect(of2098).toHaveLength(2);
    expect(of2098[0]).toMatchObject({ applicationId: null, actorRole: 'admin' });
    expect(of2098[0]!.note).toContain('国办发明电〔2097〕1号');
    expect(of2098[1]!.data).toMatchObject({
      holidays: ['2098-01-02', '2098-01-03'],
      replaced: { source: 'loaded', holidays: ['2098-01-01'], workdays: ['2098-01-04'] },
    });
  });

  it('refuses dates that do not exist, lie in another year, or are both holiday and make-up working day; admins only', async () => {
    const bad = async (body: unknown, year = 2099) => {
      const res = await admin.put(`/api/v1/admin/calendar/${year}`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      return res.body.error.details as { path: string; message: string }[];
    };
    expect(await bad({ holidays: ['2099-02-29'] })).toEqual([
      { path: 'body.holidays.0', message: 'is not a calendar date' },
    ]);
    expect(await bad({ holidays: ['2099-01-01', '2098-12-31'], workdays: ['2100-01-02'] })).toEqual([
      { path: 'body.holidays.1', message: 'is not in 2099' },
      { path: 'body.workdays.0', message: 'is not in 2099' },
    ]);
    // 3 January 2099 is a Saturday.
    expect(await bad({ holidays: ['2099-01-03'], workdays: ['2099-01-03'] })).toEqual([
      { path: 'body.workdays.0', message: '2099-01-03 is also listed as a holiday' },
    ]);
    expect(await bad({ holidays: [], workdays: ['2099-01-05'] })).toEqual([
      {
        path: 'body.workdays.0',
        message: '2099-01-05 is a weekday: a make-up working day must be a Saturday or Sunday',
      },
    ]);
    expect((await bad({ holidays: ['2099-01-01', '2099-01-01'] }))[0]!.path).toBe('body.holidays');
    expect((await bad({ workdays: [] }))[0]!.path).toBe('body.holidays');
    expect((await bad({ holidays: '2099-01-01' }))[0]!.path).toBe('body.holidays');
    expect((await bad({ holidays: [] }, 1999))[0]!.path).toBe('params.year');

    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await reviewer.put('/api/v1/admin/calendar/2099', { holidays: [] })).status).toBe(403);
    const finance = await as(stack, { role: 'finance' });
    expect((await finance.get('/api/v1/admin/calendar/2099')).status).toBe(403);
    expect((await anon.put('/api/v1/admin/calendar/2099', { holidays: [] })).status).toBe(401);
    expect((await admin.get('/api/v1/admin/calendar/2099')).body).toMatchObject({
      source: 'missing',
      known: false,
      holidays: [],
    });
    expect(await stack.db.calendarYear.count({ where: { year: 2099 } })).toBe(0);
  });
});
