/**
 * The one CSV writer of the system (spreadsheets for people: the evaluation export). Every export goes through
 * it, so that no cell is ever read by a spreadsheet as a formula.
 */
export type CsvValue = string | number | null;

/**
 * Characters that make a spreadsheet read a cell as a formula (or start one after a control character): a text
 * cell starting with one of them gets a leading apostrophe, which spreadsheets show as text (OWASP's advice
 * against CSV injection). Numbers are written as numbers, also when they come as text (amounts in 元 with two
 * decimals): a negative number is a number, never a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One CSV field (RFC 4180): text that could start a formula neutralised; quoted when it holds a comma, a quote
 * or a line break; quotes doubled.
 */
export function csvField(value: CsvValue): string {
  const text = value === null ? '' : String(value);
  const s =
    typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document for spreadsheets: UTF-8 byte-order mark first (Excel), CRLF line ends (RFC 4180). */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
