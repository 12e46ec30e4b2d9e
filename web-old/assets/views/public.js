// Public pages (no sign-in): the public notice (公示) with the objection form, and the disclosure of
// paid subsidies (资金公示).
import { addMessages, t } from '../i18n.js';
import { api, errorBox, field, fill, fmt, h, navLink, notice, onSubmit, page } from '../core.js';

addMessages({
  zh: {
    'nav.notices': '公示',
    'nav.disclosures': '资金公开',
    'notices.title': '补贴公示',
    'notices.intro': '以下企业拟获得科技保险补贴。公示期内，任何单位和个人均可实名提出异议。',
    'notices.none': '目前没有公示。',
    'notices.batch': '公示批次 {id}',
    'notices.period': '公示期：{from} 至 {to}',
    'notices.open': '公示中',
    'notices.closed': '已结束',
    'notices.enterprise': '企业名称',
    'notices.creditCode': '统一社会信用代码',
    'notices.track': '补贴类别',
    'notices.amount': '补贴金额',
    'notices.object': '提出异议',
    'notices.objectTitle': '对 {name} 提出异议',
    'notices.name': '姓名（不公开）',
    'notices.contact': '联系方式（不公开）',
    'notices.reason': '异议理由',
    'notices.filed': '异议已提交，编号 {id}。我们会依规核查。',
    'disclosures.title': '补贴资金公开',
    'disclosures.intro': '已拨付的科技保险补贴（支持资金公示制度）。',
    'disclosures.year': '年度',
    'disclosures.paidAt': '拨付日期',
    'disclosures.none': '该年度尚无已拨付的补贴。',
    'disclosures.show': '查询',
  },
  en: {
    'nav.notices': 'Public notice',
    'nav.disclosures': 'Disclosure',
    'notices.title': 'Public notice of subsidies',
    'notices.intro':
      'The enterprises below are to receive technology-insurance subsidies. Anyone may object, by name, while the notice is open.',
    'notices.none': 'No notice at present.',
    'notices.batch': 'Notice batch {id}',
    'notices.period': 'Open from {from} to {to}',
    'notices.open': 'Open',
    'notices.closed': 'Closed',
    'notices.enterprise': 'Enterprise',
    'notices.creditCode': 'Credit code',
    'notices.track': 'Track',
    'notices.amount': 'Subsidy',
    'notices.object': 'Object',
    'notices.objectTitle': 'Object to {name}',
    'notices.name': 'Your name (not published)',
    'notices.contact': 'How to reach you (not published)',
    'notices.reason': 'Reason',
    'notices.filed': 'Objection {id} filed. It will be examined.',
    'disclosures.title': 'Disclosure of paid subsidies',
    'disclosures.intro': 'Technology-insurance subsidies paid (support-fund disclosure).',
    'disclosures.year': 'Year',
    'disclosures.paidAt': 'Paid on',
    'disclosures.none': 'No subsidy paid in this year yet.',
    'disclosures.show': 'Show',
  },
});

navLink([], '#/notices', 'nav.notices');
navLink([], '#/disclosures', 'nav.disclosures');

function objectionForm(batch, item, slot) {
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('notices.objectTitle', { name: item.enterpriseName }) },
    h('h3', {}, t('notices.objectTitle', { name: item.enterpriseName })),
    field(
      t('notices.name'),
      h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'name' }),
    ),
    field(
      t('notices.contact'),
      h('input', { name: 'contact', required: true, maxlength: 200, autocomplete: 'tel' }),
    ),
    field(t('notices.reason'), h('textarea', { name: 'reason', required: true, rows: 4, maxlength: 2000 })),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, t('common.submit')),
      h('button', { type: 'button', class: 'secondary', onclick: () => fill(slot) }, t('common.cancel')),
    ),
  );
  return onSubmit(
    form,
    (fd) =>
      api.post(`/api/v1/notices/${encodeURIComponent(batch.id)}/objections`, {
        applicationId: item.applicationId,
        name: String(fd.get('name')),
        contact: String(fd.get('contact')),
        reason: String(fd.get('reason')),
      }),
    (res) => fill(slot, notice(t('notices.filed', { id: res.id ?? res.objectionId ?? '' }))),
  );
}

page('/notices', [], async () => {
  const res = await api.get('/api/v1/notices');
  const batches = res.items ?? res;
  const out = [h('h1', {}, t('notices.title')), h('p', { class: 'muted' }, t('notices.intro'))];
  if (!batches.length) out.push(h('p', {}, t('notices.none')));
  for (const b of batches) {
    const open = b.status === 'OPEN';
    const slot = h('div', { 'aria-live': 'polite' });
    out.push(
      h(
        'section',
        { class: 'card', 'aria-label': t('notices.batch', { id: b.id }) },
        h(
          'h2',
          {},
          t('notices.batch', { id: b.id }),
          ' ',
          h('span', { class: `badge ${open ? 'ok' : ''}` }, t(open ? 'notices.open' : 'notices.closed')),
        ),
        h(
          'p',
          { class: 'muted' },
          t('notices.period', { from: fmt.dateTime(b.publishedAt), to: fmt.dateTime(b.endsAt) }),
        ),
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
                h('th', { scope: 'col' }, t('notices.enterprise')),
                h('th', { scope: 'col' }, t('notices.creditCode')),
                h('th', { scope: 'col' }, t('notices.track')),
                h('th', { scope: 'col', class: 'num' }, t('notices.amount')),
                open
                  ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('notices.object')))
                  : null,
              ),
            ),
            h(
              'tbody',
              {},
              b.items.map((i) =>
                h(
                  'tr',
                  {},
                  h('td', {}, i.enterpriseName),
                  h('td', {}, h('code', {}, i.creditCode)),
                  h('td', {}, fmt.track(i.track)),
                  h('td', { class: 'num' }, fmt.fen(i.grantedFen)),
                  open
                    ? h(
                        'td',
                        {},
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'secondary',
                            'aria-label': `${t('notices.object')}：${i.enterpriseName}`,
                            onclick: () => {
                              fill(slot, objectionForm(b, i, slot));
                              slot.querySelector('input')?.focus();
                            },
                          },
                          t('notices.object'),
                        ),
                      )
                    : null,
                ),
              ),
            ),
          ),
        ),
        slot,
      ),
    );
  }
  return out;
});

page('/disclosures', [], async ({ query }) => {
  const thisYear = Number(
    new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
  );
  const year = Number(query.year) || thisYear;
  const pageNo = Math.max(1, Number(query.page) || 1);
  const list = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'row' },
    field(
      t('disclosures.year'),
      h('input', { name: 'year', type: 'number', min: 2000, max: 2100, value: year }),
    ),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('disclosures.show'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/disclosures?year=${encodeURIComponent(new FormData(form).get('year'))}`;
  });
  try {
    const res = await api.get(`/api/v1/disclosures?year=${year}&page=${pageNo}`);
    const pages = Math.max(1, Math.ceil(res.total / (res.pageSize || 50)));
    fill(
      list,
      res.items.length === 0
        ? h('p', {}, t('disclosures.none'))
        : [
            h('p', { class: 'muted' }, t('common.total', { total: res.total })),
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
                    h('th', { scope: 'col' }, t('notices.enterprise')),
                    h('th', { scope: 'col' }, t('notices.creditCode')),
                    h('th', { scope: 'col' }, t('notices.track')),
                    h('th', { scope: 'col', class: 'num' }, t('notices.amount')),
                    h('th', { scope: 'col' }, t('disclosures.paidAt')),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  res.items.map((i) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, i.enterpriseName),
                      h('td', {}, h('code', {}, i.creditCode)),
                      h('td', {}, fmt.track(i.track)),
                      h('td', { class: 'num' }, fmt.fen(i.grantedFen)),
                      h('td', {}, fmt.date(i.paidAt)),
                    ),
                  ),
                ),
              ),
            ),
            h(
              'nav',
              { class: 'pager', 'aria-label': t('common.page', { page: pageNo, pages }) },
              pageNo > 1
                ? h('a', { href: `#/disclosures?year=${year}&page=${pageNo - 1}` }, t('common.previous'))
                : null,
              h('span', {}, t('common.page', { page: pageNo, pages })),
              pageNo < pages
                ? h('a', { href: `#/disclosures?year=${year}&page=${pageNo + 1}` }, t('common.next'))
                : null,
            ),
          ],
    );
  } catch (err) {
    fill(list, errorBox(err));
  }
  return [
    h('h1', {}, t('disclosures.title')),
    h('p', { class: 'muted' }, t('disclosures.intro')),
    form,
    list,
  ];
});
