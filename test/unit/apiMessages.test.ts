import fs from 'node:fs';
import path from 'node:path';
import { localize, requestLang } from '../../api/i18n';

/**
 * Every message the code throws at a caller has its Chinese (the API answers in the caller's language,
 * zh-CN by default): the messages are read from the sources, so a new one without a translation fails here.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = ['api', 'workflows', 'reports', 'data/budget.ts', 'data/payee.ts'];

function files(p: string): string[] {
  const abs = path.join(ROOT, p);
  if (!fs.statSync(abs).isDirectory()) return [abs];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(p, e.name)) : e.name.endsWith('.ts') ? [path.join(abs, e.name)] : [],
    );
}

/** Messages given to zod checks: `.min(5, '…')`, `.regex(/…/, '…')`, `.refine(fn, '…')`, `z.uuid('…')`. */
const CHECKS =
  /(?:\.(?:min|max|regex|refine|int|positive|nonnegative)\((?:[^()']|\([^()]*\))*?,\s*|z\.(?:uuid|email)\()('[^']*')/g;

const THROWN =
  /(?:refuse\(\s*[\w.]+,|HttpError\(\s*\d+,\s*'[A-Z_]+',|conflict\(\s*'[A-Z_]+',|unprocessable\(\s*'[A-Z_]+',|unavailable\(\s*'[A-Z_]+',|ReportUnavailableError\(\s*'[A-Z_]+',|PayeeChangeRefused\(\s*'[A-Z_]+',|forbidden\(|unauthorized\(|message:|expired \? )\s*(`[^`]*`|'[^']*')(?:\s*:\s*('[^']*'))?/g;

/** A sample of a template literal: each `${...}` replaced by a value of the kind its name suggests. */
function sample(literal: string): string {
  return literal.slice(1, -1).replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
    if (/CREDIT_CODE/.test(expr)) return 'check character does not match (统一社会信用代码校验位错误)';
    if (/year/i.test(expr)) return '2026';
    if (/status/i.test(expr)) return 'INITIAL_REVIEW';
    if (/track/i.test(expr)) return 'SRDI';
    if (/queue/i.test(expr)) return 'initial-review';
    if (/role/i.test(expr)) return 'reviewer';
    if (/Fen/.test(expr)) return '12345';
    if (/closesAt/.test(expr)) return '2026-12-31T16:00:00Z';
    if (/who/.test(expr)) return 'you';
    if (/^d$/.test(expr)) return '2026-01-05';
    return 'X1';
  });
}

const messages = [
  ...new Set(
    SOURCES.flatMap(files).flatMap((f) =>
      [
        ...fs.readFileSync(f, 'utf8').matchAll(THROWN),
        ...fs.readFileSync(f, 'utf8').matchAll(CHECKS),
      ].flatMap((m) => [m[1]!, m[2]].filter(Boolean) as string[]),
    ),
  ),
]
  .map(sample)
  // Messages that are only ids, or read by programs (the simulators'), are not for people.
  .filter((m) => /[a-z]{3}/.test(m) && !m.startsWith('invalid ') && !m.includes('${'));

describe('the API answers in the caller’s language', () => {
  it('finds the messages the code throws', () => {
    expect(messages.length).toBeGreaterThan(80);
    expect(messages).toContain('task is claimed by someone else');
  });

  it.each(messages)('has the Chinese of "%s"', (message) => {
    const zh = localize(message, 'zh');
    expect(zh).not.toBe(message);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(zh).not.toMatch(/\b(the|is|must|not|only)\b/);
    expect(localize(message, 'en')).toBe(message);
  });

  it('reads Accept-Language: Chinese unless English is preferred', () => {
    expect(requestLang(undefined)).toBe('zh');
    expect(requestLang('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(requestLang('en-US,en;q=0.9')).toBe('en');
    expect(requestLang('fr-FR, en;q=0.5, zh;q=0.7')).toBe('zh');
    expect(requestLang('de')).toBe('zh');
  });
});
