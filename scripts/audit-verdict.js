// Reads `npm audit --json` on stdin and decides: exit 1 when high or critical vulnerabilities were
// found, exit 0 with a "skipped" message when the registry's audit service gave no report (offline,
// a mirror without the audit API, an error status), exit 0 otherwise.
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const text = Buffer.concat(chunks).toString('utf8');
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    report = undefined;
  }
  const counts = report && report.metadata && report.metadata.vulnerabilities;
  if (!counts) {
    const why = (report && report.message) || (text.trim() ? 'unreadable answer' : 'no answer');
    console.log(`npm audit skipped: the registry's audit service did not answer (${why})`);
    process.exit(0);
  }
  const serious = (counts.high || 0) + (counts.critical || 0);
  if (serious === 0) {
    console.log('npm audit: no high or critical vulnerability in production dependencies');
    process.exit(0);
  }
  const names = Object.values(report.vulnerabilities || {})
    .filter((v) => v.severity === 'high' || v.severity === 'critical')
    .map((v) => `${v.name} (${v.severity})`);
  console.error(
    `npm audit found ${counts.critical || 0} critical and ${counts.high || 0} high vulnerabilities in production dependencies: ${names.join(', ')}`,
  );
  process.exit(1);
});
