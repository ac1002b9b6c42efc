import { Foundation1764000000000 } from './1764000000000-foundation';
import { FieldEncryptionKeys1764000100000 } from './1764000100000-field-encryption-keys';
import { Consent1764000200000 } from './1764000200000-consent';
import { DataStores1764000300000 } from './1764000300000-data-stores';
import { PrivacyRequests1764000310000 } from './1764000310000-privacy-requests';
import { AuditAppendFunction1764000400000 } from './1764000400000-audit-append-function';
import { ScanSuggestedCollections1764000520000 } from './1764000520000-scan-suggested-collections';
import { Rectification1764000530000 } from './1764000530000-rectification';
import { DeadlineCalendars1764000600000 } from './1764000600000-deadline-calendars';
import { RequestRetention1764000610000 } from './1764000610000-request-retention';
import { SubjectMail1764000700000 } from './1764000700000-subject-mail';
import { Incidents1764000800000 } from './1764000800000-incidents';
import { RequestRespondedAt1764000810000 } from './1764000810000-request-responded-at';
import { DpoWorkflow1764000820000 } from './1764000820000-dpo-workflow';
import { ApiKeyAliases1764000900000 } from './1764000900000-api-key-aliases';
import { ApiKeyRateLimits1764000910000 } from './1764000910000-api-key-rate-limits';
import { KeyringSettings1764000950000 } from './1764000950000-keyring-settings';
import { AuditKeyedChain1764001000000 } from './1764001000000-audit-keyed-chain';
import { ExportLinkDownloads1764001100000 } from './1764001100000-export-link-downloads';
import { SessionsAndDevices1764002000000 } from './1764002000000-sessions-and-devices';
import { PasswordResets1764002010000 } from './1764002010000-password-resets';
import { WebauthnCredentials1764002020000 } from './1764002020000-webauthn-credentials';
import { OidcSubjects1764002030000 } from './1764002030000-oidc-subjects';
import { SecurityKnownDevices1764002100000 } from './1764002100000-security-known-devices';
import { MetricsIndexes1764002600000 } from './1764002600000-metrics-indexes';
import { IdempotencyKeys1764003000000 } from './1764003000000-idempotency-keys';
import { DlpCustomRecognizers1764003100000 } from './1764003100000-dlp-custom-recognizers';
import { ServiceValueMoves1764003200000 } from './1764003200000-service-value-moves';
import { ConsentLedgerValueMoves1764003210000 } from './1764003210000-consent-ledger-value-moves';
import { DropRequestSubjectIndexes1764003600000 } from './1764003600000-drop-request-subject-indexes';
import { TaskPendingOutcome1764004400000 } from './1764004400000-task-pending-outcome';
import { FewerErasureIndexEntries1764005700000 } from './1764005700000-fewer-erasure-index-entries';
import { TaskUpdatesInPlace1764005950000 } from './1764005950000-task-updates-in-place';
import { RequestAuditTrailIndex1764006200000 } from './1764006200000-request-audit-trail-index';
import { RecentCompletionsIndex1764006300000 } from './1764006300000-recent-completions-index';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests run the same set. */
export const migrations = [
  Foundation1764000000000,
  FieldEncryptionKeys1764000100000,
  Consent1764000200000,
  DataStores1764000300000,
  PrivacyRequests1764000310000,
  AuditAppendFunction1764000400000,
  ScanSuggestedCollections1764000520000,
  Rectification1764000530000,
  DeadlineCalendars1764000600000,
  RequestRetention1764000610000,
  SubjectMail1764000700000,
  Incidents1764000800000,
  RequestRespondedAt1764000810000,
  DpoWorkflow1764000820000,
  ApiKeyAliases1764000900000,
  ApiKeyRateLimits1764000910000,
  KeyringSettings1764000950000,
  AuditKeyedChain1764001000000,
  ExportLinkDownloads1764001100000,
  SessionsAndDevices1764002000000,
  PasswordResets1764002010000,
  WebauthnCredentials1764002020000,
  OidcSubjects1764002030000,
  SecurityKnownDevices1764002100000,
  MetricsIndexes1764002600000,
  IdempotencyKeys1764003000000,
  DlpCustomRecognizers1764003100000,
  ServiceValueMoves1764003200000,
  ConsentLedgerValueMoves1764003210000,
  DropRequestSubjectIndexes1764003600000,
  TaskPendingOutcome1764004400000,
  FewerErasureIndexEntries1764005700000,
  TaskUpdatesInPlace1764005950000,
  RequestAuditTrailIndex1764006200000,
  RecentCompletionsIndex1764006300000,
];
