import { locale } from '@/i18n';

const grouped = (f: number, sign: string): string => {
  const abs = Math.abs(Math.trunc(f));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${f < 0 ? '-' : ''}${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
};

/** Integer fen as 元 with two decimals: ¥1,234.56. */
export function fen(f: number | null | undefined): string {
  return f === null || f === undefined ? '—' : grouped(f, '¥');
}

/**
 * Integer fen as a chart axis shows it, short: ¥3,000, ¥1.5万, ¥120万 (in English ¥3k, ¥15k, ¥1.2M). Amounts
 * under 1万 stay in 元, so that a small budget's axis does not read ¥0万 at every tick.
 */
export function axisFen(f: number): string {
  const y = f / 100;
  const short = (n: number) => Number(n.toFixed(n < 10 ? 1 : 0)).toLocaleString('en-US');
  if (locale.value === 'zh') return Math.abs(y) >= 10_000 ? `¥${short(y / 10_000)}万` : `¥${short(y)}`;
  if (Math.abs(y) >= 1_000_000) return `¥${short(y / 1_000_000)}M`;
  return Math.abs(y) >= 1_000 ? `¥${short(y / 1_000)}k` : `¥${short(y)}`;
}

/** Integer fen as the number of 元 an amount field shows: 1,234.56 (the field says 元). */
export const yuan = (f: number): string => grouped(f, '');

/** Yuan typed by a person ("1,234.5", "¥2 500") to integer fen; null when it is not an amount. */
export function yuanToFen(text: string | number | null | undefined): number | null {
  const s = String(text ?? '').replace(/[,\s¥，]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [y = '0', f = ''] = s.split('.');
  return Number(y) * 100 + Number(f.padEnd(2, '0'));
}

export const fenToYuan = (f: number | null | undefined): string =>
  f === null || f === undefined ? '' : (f / 100).toFixed(2).replace(/\.00$/, '');

const beijing = (opts: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', ...opts });
const DAY = beijing({ year: 'numeric', month: '2-digit', day: '2-digit' });
const MINUTE = beijing({
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A day (YYYY-MM-DD), from a day or an instant (its Beijing day). */
export function day(iso: string | null | undefined): string {
  if (!iso) return '—';
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : DAY.format(new Date(iso));
}

/** An instant as Beijing time: 2026-03-01 09:30. */
export function beijingTime(iso: string | null | undefined): string {
  return iso ? MINUTE.format(new Date(iso)) : '—';
}

/** A deadline: midnight reads as 24:00 of the day before (Beijing time). */
export function deadline(iso: string | null | undefined): string {
  if (!iso) return '—';
  const text = beijingTime(iso);
  if (!text.endsWith('00:00')) return text;
  const before = new Date(Date.parse(iso) - 1);
  return `${DAY.format(before)} 24:00`;
}

export const bp = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${(v / 100).toFixed(2)}%`;

export const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${Number(v.toFixed(1))}%`;

export const isZh = () => locale.value === 'zh';

/** The current year in Beijing. */
export const beijingYear = (): number =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

/** A bank account as one line: bank · holder · number (masked by the API for most roles). */
export const account = (
  a: { bankName: string; accountName: string; accountNumber: string } | null | undefined,
): string => (a ? `${a.bankName} · ${a.accountName} · ${a.accountNumber}` : '—');
