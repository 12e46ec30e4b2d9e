/** An entry of the main navigation and the roles that see it. */
export interface NavItem {
  to: string;
  key: string;
  roles: string[] | 'all';
}
/** Entries under one heading, by what a district officer does: work the cases, the money, oversight… */
export interface NavGroup {
  key: string;
  items: NavItem[];
}
export type NavEntry = NavItem | NavGroup;

const QUEUES = ['reviewer', 'expert', 'approver', 'finance'];
const GROUPS: NavGroup[] = [
  {
    key: 'nav.groups.work',
    items: [
      { to: '/my', key: 'nav.my', roles: ['applicant'] },
      { to: '/apply', key: 'nav.apply', roles: ['applicant'] },
      { to: '/enterprise', key: 'nav.enterprise', roles: ['applicant'] },
      { to: '/queues', key: 'nav.queues', roles: QUEUES },
      { to: '/tasks', key: 'nav.tasks', roles: [...QUEUES, 'admin'] },
      { to: '/bank', key: 'nav.referrals', roles: ['bank'] },
      { to: '/admin/search', key: 'nav.search', roles: ['admin', 'approver', 'finance'] },
      { to: '/admin/campaigns', key: 'nav.campaigns', roles: ['admin'] },
    ],
  },
  {
    key: 'nav.groups.funds',
    items: [
      { to: '/finance/budgets', key: 'nav.budgets', roles: ['finance', 'admin'] },
      { to: '/finance/payments', key: 'nav.payments', roles: ['finance', 'admin'] },
      { to: '/finance/payee-changes', key: 'nav.payeeChanges', roles: ['finance', 'admin'] },
    ],
  },
  {
    key: 'nav.groups.oversight',
    items: [
      { to: '/admin', key: 'nav.operations', roles: ['admin'] },
      { to: '/admin/evaluation', key: 'nav.evaluation', roles: ['admin', 'finance', 'approver'] },
      { to: '/audit', key: 'nav.audit', roles: ['auditor', 'admin'] },
      { to: '/admin/risk', key: 'nav.risk', roles: ['admin', 'auditor'] },
      { to: '/site-visits', key: 'nav.siteVisits', roles: ['reviewer', 'admin', 'auditor'] },
    ],
  },
  {
    key: 'nav.groups.settings',
    items: [
      { to: '/admin/program', key: 'nav.program', roles: ['admin'] },
      { to: '/admin/catalog', key: 'nav.catalog', roles: ['admin'] },
      { to: '/admin/banks', key: 'nav.banks', roles: ['admin'] },
      { to: '/admin/staff', key: 'nav.staff', roles: ['admin'] },
      { to: '/admin/calendar', key: 'nav.calendar', roles: ['admin'] },
    ],
  },
  {
    key: 'nav.groups.public',
    items: [
      { to: '/notices', key: 'nav.notices', roles: 'all' },
      { to: '/disclosures', key: 'nav.disclosures', roles: 'all' },
      { to: '/calculator', key: 'nav.calculator', roles: 'all' },
    ],
  },
];

/** As many entries as fit side by side on one row at 1280 px, in Chinese and in English. */
const MAX_FLAT = 7;

export const isGroup = (e: NavEntry): e is NavGroup => 'items' in e;

/**
 * What a role (none: signed out) finds in the main navigation: its entries side by side when they fit on one
 * row, else under their groups' headings (a group of one shows that entry itself).
 */
export function navFor(role: string | undefined): NavEntry[] {
  const sees = (n: NavItem) => n.roles === 'all' || (role !== undefined && n.roles.includes(role));
  const groups = GROUPS.map((g) => ({ ...g, items: g.items.filter(sees) })).filter((g) => g.items.length);
  const items = groups.flatMap((g) => g.items);
  if (items.length <= MAX_FLAT) return items;
  return groups.map((g) => (g.items.length === 1 ? g.items[0]! : g));
}
