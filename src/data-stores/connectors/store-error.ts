import { DatabaseError } from 'pg';

/** Whether retrying the same work can succeed: a lost connection can, a wrong answer cannot. */
export type StoreErrorKind = 'permanent' | 'transient';

/**
 * A data store failure whose message is safe to show and keep: it names the table (or store),
 * the kind of error and a code, never a value or a connection string.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly kind: StoreErrorKind,
    readonly code: string,
    message: string,
    readonly table?: string,
    /** For driver errors: what happened, for callers that act on one failure in particular. */
    readonly failure?: StoreFailure,
  ) {
    super(message);
  }
}

/** What a driver error says happened, in words that carry no value from the statement. */
export enum StoreFailure {
  ForeignKeyViolation = 'foreign key violation',
  UniqueViolation = 'unique violation',
  NotNullViolation = 'not-null violation',
  CheckViolation = 'check violation',
  IntegrityViolation = 'integrity constraint violation',
  DataException = 'invalid data',
  UndefinedTable = 'no such table',
  UndefinedColumn = 'no such column',
  PermissionDenied = 'permission denied',
  AuthenticationFailed = 'authentication failed',
  UnknownDatabase = 'no such database',
  InvalidStatement = 'invalid statement',
  ReadOnly = 'read-only transaction',
  Deadlock = 'deadlock',
  SerializationFailure = 'serialization failure',
  LockNotAvailable = 'lock not available',
  TooManyConnections = 'too many connections',
  ServerUnavailable = 'server unavailable',
  Canceled = 'statement canceled',
  ConnectionFailed = 'connection failed',
  TimedOut = 'timed out',
  Unknown = 'store error',
}

type Verdict = [StoreFailure, StoreErrorKind];

/** PostgreSQL SQLSTATE codes that decide on their own. */
const POSTGRES_CODES: Record<string, Verdict> = {
  '23503': [StoreFailure.ForeignKeyViolation, 'permanent'],
  '23505': [StoreFailure.UniqueViolation, 'permanent'],
  '23502': [StoreFailure.NotNullViolation, 'permanent'],
  '23514': [StoreFailure.CheckViolation, 'permanent'],
  '42P01': [StoreFailure.UndefinedTable, 'permanent'],
  '42703': [StoreFailure.UndefinedColumn, 'permanent'],
  '42501': [StoreFailure.PermissionDenied, 'permanent'],
  '3D000': [StoreFailure.UnknownDatabase, 'permanent'],
  '25006': [StoreFailure.ReadOnly, 'permanent'],
  '40P01': [StoreFailure.Deadlock, 'transient'],
  '40001': [StoreFailure.SerializationFailure, 'transient'],
  '55P03': [StoreFailure.LockNotAvailable, 'transient'],
  '53300': [StoreFailure.TooManyConnections, 'transient'],
  '57P01': [StoreFailure.ServerUnavailable, 'transient'],
  '57P02': [StoreFailure.ServerUnavailable, 'transient'],
  '57P03': [StoreFailure.ServerUnavailable, 'transient'],
  '57014': [StoreFailure.Canceled, 'transient'],
};

/** The SQLSTATE class (first two characters) when the code itself is not listed. */
const POSTGRES_CLASSES: Record<string, Verdict> = {
  '08': [StoreFailure.ConnectionFailed, 'transient'],
  '22': [StoreFailure.DataException, 'permanent'],
  '23': [StoreFailure.IntegrityViolation, 'permanent'],
  '28': [StoreFailure.AuthenticationFailed, 'permanent'],
  '42': [StoreFailure.InvalidStatement, 'permanent'],
  '40': [StoreFailure.SerializationFailure, 'transient'],
  '53': [StoreFailure.TooManyConnections, 'transient'],
  '57': [StoreFailure.ServerUnavailable, 'transient'],
};

/** MySQL and MariaDB error numbers. */
const MYSQL_ERRNOS: Record<number, Verdict> = {
  1451: [StoreFailure.ForeignKeyViolation, 'permanent'],
  1452: [StoreFailure.ForeignKeyViolation, 'permanent'],
  1216: [StoreFailure.ForeignKeyViolation, 'permanent'],
  1217: [StoreFailure.ForeignKeyViolation, 'permanent'],
  1062: [StoreFailure.UniqueViolation, 'permanent'],
  1586: [StoreFailure.UniqueViolation, 'permanent'],
  1048: [StoreFailure.NotNullViolation, 'permanent'],
  3819: [StoreFailure.CheckViolation, 'permanent'],
  4025: [StoreFailure.CheckViolation, 'permanent'],
  1146: [StoreFailure.UndefinedTable, 'permanent'],
  1054: [StoreFailure.UndefinedColumn, 'permanent'],
  1142: [StoreFailure.PermissionDenied, 'permanent'],
  1143: [StoreFailure.PermissionDenied, 'permanent'],
  1227: [StoreFailure.PermissionDenied, 'permanent'],
  1044: [StoreFailure.PermissionDenied, 'permanent'],
  1045: [StoreFailure.AuthenticationFailed, 'permanent'],
  1049: [StoreFailure.UnknownDatabase, 'permanent'],
  1064: [StoreFailure.InvalidStatement, 'permanent'],
  1792: [StoreFailure.ReadOnly, 'permanent'],
  1264: [StoreFailure.DataException, 'permanent'],
  1265: [StoreFailure.DataException, 'permanent'],
  1292: [StoreFailure.DataException, 'permanent'],
  1366: [StoreFailure.DataException, 'permanent'],
  1406: [StoreFailure.DataException, 'permanent'],
  1213: [StoreFailure.Deadlock, 'transient'],
  1205: [StoreFailure.LockNotAvailable, 'transient'],
  1040: [StoreFailure.TooManyConnections, 'transient'],
  1203: [StoreFailure.TooManyConnections, 'transient'],
  1053: [StoreFailure.ServerUnavailable, 'transient'],
  1927: [StoreFailure.ConnectionFailed, 'transient'],
  1317: [StoreFailure.Canceled, 'transient'],
  1969: [StoreFailure.Canceled, 'transient'],
  3024: [StoreFailure.Canceled, 'transient'],
  2002: [StoreFailure.ConnectionFailed, 'transient'],
  2003: [StoreFailure.ConnectionFailed, 'transient'],
  2006: [StoreFailure.ConnectionFailed, 'transient'],
  2013: [StoreFailure.ConnectionFailed, 'transient'],
  2055: [StoreFailure.ConnectionFailed, 'transient'],
};

/** Socket and client-side codes (Node and mysql2): the server could not be reached or left. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

interface MysqlDriverError {
  errno: number;
  sqlState: string;
}

function isMysqlError(e: unknown): e is Error & MysqlDriverError {
  return (
    e instanceof Error &&
    typeof (e as Partial<MysqlDriverError>).errno === 'number' &&
    typeof (e as Partial<MysqlDriverError>).sqlState === 'string'
  );
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function storeError(verdict: Verdict, code: string, table?: string): StoreError {
  const [failure, kind] = verdict;
  const where = table ? ` on ${table}` : '';
  return new StoreError(kind, code, `${failure}${where} (${code})`, table, failure);
}

/**
 * Turns whatever a driver threw into a StoreError that says what failed (table, kind, code) and
 * whether a retry can help. Only codes are read: driver messages can echo values and
 * connection strings. Errors no code explains are transient, so they get the retries they had.
 */
export function classifyDriverError(e: unknown, table?: string): StoreError {
  if (e instanceof StoreError) {
    return e.table || !table
      ? e
      : new StoreError(e.kind, e.code, `${e.message} on ${table}`, table, e.failure);
  }
  const code = codeOf(e);
  if (code && NETWORK_CODES.has(code)) {
    return storeError([StoreFailure.ConnectionFailed, 'transient'], code, table);
  }
  if (e instanceof DatabaseError && code) {
    const verdict = POSTGRES_CODES[code] ?? POSTGRES_CLASSES[code.slice(0, 2)];
    return storeError(verdict ?? [StoreFailure.Unknown, 'transient'], code, table);
  }
  if (isMysqlError(e)) {
    const verdict = MYSQL_ERRNOS[e.errno];
    return storeError(verdict ?? [StoreFailure.Unknown, 'transient'], String(e.errno), table);
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return storeError([StoreFailure.TimedOut, 'transient'], e.name, table);
  }
  const name = e instanceof Error ? e.name : typeof e;
  return storeError([StoreFailure.Unknown, 'transient'], code ?? name, table);
}

/** For `.catch()` on one statement: its failure, classified and naming its table. */
export function failedOn(table?: string): (e: unknown) => never {
  return (e: unknown) => {
    throw classifyDriverError(e, table);
  };
}
