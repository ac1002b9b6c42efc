import { statementNames } from './statement-name';

describe('statementNames', () => {
  it('names one text the same every time and another text otherwise', () => {
    const nameOf = statementNames('p_');
    const a = nameOf('SELECT 1 WHERE x = $1');
    expect(a).toMatch(/^p_[0-9a-f]{32}$/);
    expect(nameOf(['SELECT 1 WHERE x = ', '$1'].join(''))).toBe(a);
    expect(nameOf('SELECT 2 WHERE x = $1')).not.toBe(a);
    expect(statementNames('q_')('SELECT 1 WHERE x = $1')).toBe(`q_${a.slice(2)}`);
  });

  it('still names a text the same after many others filled its memory', () => {
    const nameOf = statementNames('p_');
    const first = nameOf('SELECT 0');
    for (let i = 1; i <= 2500; i++) {
      nameOf(`SELECT ${i}`);
    }
    expect(nameOf('SELECT 0')).toBe(first);
  });
});
