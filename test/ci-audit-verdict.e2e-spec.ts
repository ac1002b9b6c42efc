import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * CI's dependency-audit step: `npm audit --json` is piped into scripts/audit-verdict.js, which
 * fails the run on high or critical findings and skips, saying so, when the registry's audit
 * service gave no report.
 */
describe('the dependency-audit verdict', () => {
  const verdict = (stdin: string) => {
    const run = spawnSync(process.execPath, [join(__dirname, '../scripts/audit-verdict.js')], {
      input: stdin,
      encoding: 'utf8',
    });
    return { code: run.status, out: run.stdout + run.stderr };
  };
  const report = (counts: Record<string, number>, vulnerabilities: object = {}) =>
    JSON.stringify({ metadata: { vulnerabilities: counts }, vulnerabilities });

  it('passes a report without high or critical findings', () => {
    const run = verdict(report({ low: 2, moderate: 1, high: 0, critical: 0 }));
    expect(run).toEqual({ code: 0, out: expect.stringContaining('no high or critical') });
  });

  it('fails on a high finding and names the package', () => {
    const run = verdict(
      report({ high: 1, critical: 0 }, { leftpad: { name: 'leftpad', severity: 'high' } }),
    );
    expect(run).toEqual({ code: 1, out: expect.stringContaining('leftpad (high)') });
  });

  it('fails on a critical finding', () => {
    const run = verdict(
      report({ critical: 1 }, { parser: { name: 'parser', severity: 'critical' } }),
    );
    expect(run).toEqual({ code: 1, out: expect.stringContaining('parser (critical)') });
  });

  it.each([
    ['no answer', ''],
    ['an error status', JSON.stringify({ message: '405 Method Not Allowed' })],
    ['an unreadable answer', '<html>bad gateway</html>'],
  ])('skips with a message on %s', (_, stdin) => {
    const run = verdict(stdin);
    expect(run).toEqual({ code: 0, out: expect.stringContaining('npm audit skipped') });
  });
});
