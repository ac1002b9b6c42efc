import { classifyColumn } from '../column-classifier';
import { scanJson } from '../engine/json-scanner';
import { scanText } from '../engine/scanner';
import { DlpError, DlpErrorCode } from '../errors';
import { redactText } from '../operators/redactor';
import type { Finding } from '../types';
import { compileCustomRecognizer, type CustomRecognizerSpec } from './custom-recognizer';

const employeeId = compileCustomRecognizer({
  name: 'employee-id',
  entity: 'EMPLOYEE_ID',
  pattern: '\\bEMP-[0-9]{6}\\b',
  context: ['employee', 'staff number'],
  score: 0.5,
});
const projects = compileCustomRecognizer({
  name: 'projects',
  entity: 'PROJECT',
  denyList: ['Bluebird', 'Project  Falcon', 'C++'],
  score: 0.9,
});

const spans = (text: string, findings: readonly Finding[]) =>
  findings.map((f) => [f.entity, text.slice(f.start, f.end), f.score]);

function refusal(spec: Partial<CustomRecognizerSpec>): string {
  try {
    compileCustomRecognizer({ name: 'r', entity: 'THING', score: 0.5, ...spec });
  } catch (error) {
    expect(error).toBeInstanceOf(DlpError);
    expect((error as DlpError).code).toBe(DlpErrorCode.InvalidRecognizer);
    return (error as DlpError).message;
  }
  throw new Error('accepted');
}

describe('custom recognizers', () => {
  it('finds pattern matches with their score, lifted by a context word before them', () => {
    const text = 'ticket by EMP-123456; employee EMP-654321; EMP-1234567 is too long';
    expect(spans(text, scanText(text, { custom: [employeeId] }))).toEqual([
      ['EMPLOYEE_ID', 'EMP-123456', 0.5],
      ['EMPLOYEE_ID', 'EMP-654321', 0.85],
    ]);
  });

  it('counts a JSON key as context', () => {
    const found = scanJson({ staffNumber: 'EMP-123456' }, { custom: [employeeId] });
    expect(found).toEqual([
      { entity: 'EMPLOYEE_ID', start: 0, end: 10, score: 0.85, path: '$.staffNumber' },
    ]);
  });

  it('finds deny-list entries as whole words, case aside, any white space inside phrases', () => {
    const text = 'BLUEBIRD and project\n falcon, not Bluebirds nor xBluebird; C++ too';
    expect(spans(text, scanText(text, { custom: [projects] }))).toEqual([
      ['PROJECT', 'BLUEBIRD', 0.9],
      ['PROJECT', 'project\n falcon', 0.9],
      ['PROJECT', 'C++', 0.9],
    ]);
  });

  it('keeps a deny list case-sensitive when asked', () => {
    const exact = compileCustomRecognizer({
      name: 'exact',
      entity: 'PROJECT',
      denyList: ['Bluebird'],
      caseSensitive: true,
      score: 0.9,
    });
    expect(spans('bluebird Bluebird', scanText('bluebird Bluebird', { custom: [exact] }))).toEqual([
      ['PROJECT', 'Bluebird', 0.9],
    ]);
  });

  it('runs only when its label is among the entities asked for, and refuses unknown labels', () => {
    const text = 'EMP-123456 mailed ann@example.org';
    const only = scanText(text, { custom: [employeeId], entities: ['EMPLOYEE_ID'] });
    expect(only.map((f) => f.entity)).toEqual(['EMPLOYEE_ID']);
    const builtIn = scanText(text, { custom: [employeeId], entities: ['EMAIL_ADDRESS'] });
    expect(builtIn.map((f) => f.entity)).toEqual(['EMAIL_ADDRESS']);
    expect(() => scanText(text, { entities: ['EMPLOYEE_ID'] })).toThrow(/Unknown entity type/);
  });

  it('redacts custom findings with the operator named by their label', async () => {
    const out = await redactText('from EMP-123456', {
      custom: [employeeId],
      operators: { EMPLOYEE_ID: { type: 'mask', char: '#', keepLast: 2 } },
    });
    expect(out.text).toBe('from ########56');
  });

  it('counts its label in column discovery, with the column name as context', () => {
    const result = classifyColumn('employee', ['EMP-000001', 'EMP-000002', 'n/a'], {
      custom: [employeeId],
    });
    expect(result.entities).toEqual([{ entity: 'EMPLOYEE_ID', matchRatio: 2 / 3 }]);
  });

  it('stops with an error naming the recognizer once its deadline has passed', () => {
    const out: Finding[] = [];
    expect(() => employeeId.find('EMP-123456', Date.now() - 1, out)).toThrow(
      expect.objectContaining({
        code: DlpErrorCode.RecognizerBudgetExceeded,
        message: expect.stringContaining('"employee-id"'),
      }),
    );
  });

  it('runs a pattern that backtracks catastrophically elsewhere in linear time, on RE2', () => {
    const nested = compileCustomRecognizer({
      name: 'nested',
      entity: 'THING',
      pattern: '^(a+)+$',
      score: 0.5,
    });
    // A backtracking engine tries 2^n ways to split the a's before the final '!' fails them.
    expect(scanText(`${'a'.repeat(100_000)}!`, { custom: [nested] })).toEqual([]);
  });

  it('refuses backreferences and lookaround, saying why', () => {
    expect(refusal({ pattern: '(a)\\1' })).toMatch(/backreferences and lookaround/);
    expect(refusal({ pattern: 'EMP(?=-)' })).toMatch(/backtracking engine/);
    expect(refusal({ pattern: '(?<!x)EMP' })).toMatch(/backtracking engine/);
  });

  it('refuses invalid syntax and patterns matching the empty string', () => {
    expect(refusal({ pattern: '[a-' })).toMatch(/^Pattern of "r" refused: /);
    expect(refusal({ pattern: 'x*' })).toMatch(/matches the empty string/);
  });

  it('refuses bad names, labels, sizes and shapes', () => {
    expect(refusal({ name: 'Bad Name', pattern: 'x' })).toMatch(/^name must/);
    expect(refusal({ entity: 'lower', pattern: 'x' })).toMatch(/^entity must/);
    expect(refusal({ entity: 'DEFAULT', pattern: 'x' })).toMatch(/reserved/);
    expect(refusal({})).toMatch(/exactly one of pattern and denyList/);
    expect(refusal({ pattern: 'x', denyList: ['y'] })).toMatch(/exactly one/);
    expect(refusal({ pattern: 'x'.repeat(1001) })).toMatch(/1 to 1000 characters/);
    expect(refusal({ denyList: [' '] })).toMatch(/not blank/);
    expect(refusal({ pattern: 'x', context: ['e-mail'] })).toMatch(/context entry/);
    expect(refusal({ pattern: 'x', score: 0 })).toMatch(/score/);
    expect(refusal({ pattern: 'x', score: 1.5 })).toMatch(/score/);
  });
});

describe('allow list', () => {
  it('drops findings whose text is listed, case and surrounding space aside', () => {
    const text = 'Mail Support@Example.com or ann@example.org';
    const found = scanText(text, { allowList: [' support@example.com '] });
    expect(spans(text, found)).toEqual([['EMAIL_ADDRESS', 'ann@example.org', 1]]);
  });

  it('applies to custom findings and to JSON values', () => {
    const found = scanJson(
      { a: 'Bluebird', b: 'Project Falcon', c: 'x@example.org' },
      { custom: [projects], allowList: ['bluebird', 'x@example.org'] },
    );
    expect(found).toEqual([{ entity: 'PROJECT', start: 0, end: 14, score: 0.9, path: '$.b' }]);
  });
});
