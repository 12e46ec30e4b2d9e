import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { HOME, session } from '@/session';

const STAFF = ['reviewer', 'expert', 'approver', 'finance', 'admin'];
const page = (path: string, load: () => Promise<unknown>, roles: string[] = [], title = '') =>
  ({ path, component: load, meta: { roles, title } }) as RouteRecordRaw;

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: () => (session.value ? (HOME[session.value.role] ?? '/notices') : '/notices') },
  page('/signin', () => import('@/public/SignInPage.vue')),
  page('/notices', () => import('@/public/NoticesPage.vue')),
  page('/disclosures', () => import('@/public/DisclosuresPage.vue')),
  page('/calculator', () => import('@/public/CalculatorPage.vue')),
  page('/surveys/:token', () => import('@/public/SurveyPage.vue')),
  page('/my', () => import('@/applicant/MyApplicationsPage.vue'), ['applicant']),
  page('/enterprise', () => import('@/applicant/EnterprisePage.vue'), ['applicant']),
  page('/apply', () => import('@/applicant/ApplyPage.vue'), ['applicant']),
  page('/applications/:id', () => import('@/applicant/ApplicationPage.vue'), ['applicant', ...STAFF]),
  page('/queues', () => import('@/review/QueuesPage.vue'), STAFF),
  page('/tasks', () => import('@/review/TasksPage.vue'), STAFF),
  page('/tasks/:id', () => import('@/review/TaskPage.vue'), STAFF),
  page('/finance/budgets', () => import('@/finance/BudgetsPage.vue'), ['finance', 'admin']),
  page('/finance/payments', () => import('@/finance/PaymentsPage.vue'), ['finance', 'admin']),
  page('/finance/payee-changes', () => import('@/finance/PayeeChangesPage.vue'), ['finance', 'admin']),
  page('/bank', () => import('@/bank/ReferralsPage.vue'), ['bank']),
  page('/audit', () => import('@/audit/AuditPage.vue'), ['auditor', 'admin']),
  page('/admin', () => import('@/admin/OperationsPage.vue'), ['admin']),
  page('/site-visits', () => import('@/review/SiteVisitsPage.vue'), ['reviewer', 'admin', 'auditor']),
  page('/admin/risk', () => import('@/admin/RiskFlagsPage.vue'), ['admin', 'auditor']),
  page('/admin/search', () => import('@/admin/SearchPage.vue'), ['admin', 'approver', 'finance']),
  page('/admin/evaluation', () => import('@/admin/EvaluationPage.vue'), ['admin', 'finance', 'approver']),
  page('/admin/program', () => import('@/admin/ProgramPage.vue'), ['admin']),
  page('/admin/catalog', () => import('@/admin/CatalogPage.vue'), ['admin']),
  page('/admin/banks', () => import('@/admin/BanksPage.vue'), ['admin']),
  page('/admin/staff', () => import('@/admin/StaffPage.vue'), ['admin']),
  page('/admin/campaigns', () => import('@/admin/CampaignsPage.vue'), ['admin']),
  page('/admin/calendar', () => import('@/admin/CalendarPage.vue'), ['admin']),
  { path: '/:rest(.*)*', component: () => import('@/public/NotFoundPage.vue') },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const roles = (to.meta.roles as string[] | undefined) ?? [];
  if (roles.length === 0) return true;
  if (!session.value) return { path: '/signin', query: { next: to.fullPath } };
  if (!roles.includes(session.value.role)) return { path: '/forbidden' };
  return true;
});
