import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum AuthErrorCode {
  InvalidCredentials = 'invalid-credentials',
  InvalidMfaCode = 'invalid-mfa-code',
  InvalidMfaToken = 'invalid-mfa-token',
  InvalidRefreshToken = 'invalid-refresh-token',
  SessionNotFound = 'session-not-found',
  UserNotFound = 'user-not-found',
  LastAdmin = 'last-admin',
  MfaNotPending = 'mfa-not-pending',
  MfaAlreadyEnabled = 'mfa-already-enabled',
  EmailTaken = 'email-taken',
  ApiKeyNotFound = 'api-key-not-found',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  UnknownKeyAlias = 'key-alias-unknown',
}

export class AuthError extends DomainError<AuthErrorCode> {
  constructor(code: AuthErrorCode, detail: string) {
    super(code, detail);
  }

  get status(): number {
    switch (this.code) {
      case AuthErrorCode.InvalidCredentials:
      case AuthErrorCode.InvalidMfaCode:
      case AuthErrorCode.InvalidMfaToken:
      case AuthErrorCode.InvalidRefreshToken:
      case AuthErrorCode.Unauthenticated:
        return 401;
      case AuthErrorCode.Forbidden:
        return 403;
      case AuthErrorCode.ApiKeyNotFound:
      case AuthErrorCode.SessionNotFound:
      case AuthErrorCode.UserNotFound:
        return 404;
      case AuthErrorCode.EmailTaken:
      case AuthErrorCode.MfaAlreadyEnabled:
        return 409;
      case AuthErrorCode.MfaNotPending:
      case AuthErrorCode.LastAdmin:
      case AuthErrorCode.UnknownKeyAlias:
        return 422;
      default:
        return assertUnreachable(this.code);
    }
  }
}
