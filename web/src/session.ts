import { computed, ref } from 'vue';

export interface Session {
  token: string;
  role: string;
  subject: string;
  org: string | null;
  creditCode: string | null;
  bankCode: string | null;
  supervisor: boolean;
}

const KEY = 'session';

function load(): Session | null {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

/** Who is signed in (kept for the tab's life in sessionStorage). */
export const session = ref<Session | null>(load());
export const signedIn = computed(() => session.value !== null);

/** Per-user state (drafts, uploads) registers its reset here: sign-out runs them all. */
const resets = new Set<() => void>();
export function onSignOut(reset: () => void): void {
  resets.add(reset);
}

function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = new TextDecoder().decode(
    Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

export function signIn(token: string): Session {
  const c = claims(token);
  const s: Session = {
    token,
    role: String(c.role),
    subject: String(c.sub),
    org: typeof c.org === 'string' ? c.org : null,
    creditCode: typeof c.creditCode === 'string' ? c.creditCode : null,
    bankCode: typeof c.bankCode === 'string' ? c.bankCode : null,
    supervisor: Boolean(c.supervisor),
  };
  for (const reset of resets) reset();
  sessionStorage.setItem(KEY, JSON.stringify(s));
  session.value = s;
  return s;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  session.value = null;
  for (const reset of resets) reset();
}

/** Each role's first page. */
export const HOME: Record<string, string> = {
  applicant: '/my',
  reviewer: '/queues',
  expert: '/queues',
  approver: '/queues',
  finance: '/queues',
  bank: '/bank',
  admin: '/admin',
  auditor: '/audit',
};
