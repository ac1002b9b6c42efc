/**
 * The `{table, column}` pairs the service sealed its own values under before contexts were
 * reserved (`svc:`). Such values are still read under them until moved, so the public crypto API
 * must neither open one (a row that could not be moved) nor seal one, which someone able to write
 * the table could put in place of a value bound to its row.
 */
const FORMER_SERVICE_COLUMNS = new Set([
  'consent_events.subject_id',
  'consent_signing_keys.private_jwk',
  'data_stores.connection',
  'privacy_request_tasks.note',
  'privacy_requests.corrections',
  'privacy_requests.subject',
  'subject_mail_outbox.reason',
]);

/** True when `context` names one of the service's own columns by their former context. */
export function isFormerServiceContext(context: Readonly<Record<string, unknown>>): boolean {
  const { table, column } = context;
  return (
    typeof table === 'string' &&
    typeof column === 'string' &&
    FORMER_SERVICE_COLUMNS.has(`${table}.${column}`)
  );
}
