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
  PasswordTooShort = 'password-too-short',
  PasswordContainsEmail = 'password-contains-email',
  PasswordCommon = 'password-common',
  PasswordTooWeak = 'password-too-weak',
  WrongPassword = 'wrong-password',
  InvalidResetToken = 'invalid-reset-token',
  PasskeyRefused = 'passkey-refused',
  PasskeyTaken = 'passkey-taken',
  PasskeyNotFound = 'passkey-not-found',
  TooManyPasskeys = 'too-many-passkeys',
  MfaEnrolmentRequired = 'mfa-enrolment-required',
  OidcNotConfigured = 'oidc-not-configured',
  OidcUnavailable = 'oidc-unavailable',
  OidcRefused = 'oidc-refused',
  OidcNoAccess = 'oidc-no-access',
  MfaNotPending = 'mfa-not-pending',
  MfaAlreadyEnabled = 'mfa-already-enabled',
  EmailTaken = 'email-taken',
  ApiKeyNotFound = 'api-key-not-found',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  UnknownKeyAlias = 'key-alias-unknown',
}

export class AuthError extends DomainError<AuthErrorCode> {
  constructor(
    code: AuthErrorCode,
    detail: string,
    errors?: Array<{ field?: string; message: string }>,
  ) {
    super(code, detail, errors);
  }

  get status(): number {
    switch (this.code) {
      case AuthErrorCode.InvalidCredentials:
      case AuthErrorCode.InvalidMfaCode:
      case AuthErrorCode.InvalidMfaToken:
      case AuthErrorCode.InvalidRefreshToken:
      case AuthErrorCode.InvalidResetToken:
      case AuthErrorCode.OidcRefused:
      case AuthErrorCode.Unauthenticated:
        return 401;
      case AuthErrorCode.Forbidden:
      case AuthErrorCode.MfaEnrolmentRequired:
      case AuthErrorCode.OidcNoAccess:
        return 403;
      case AuthErrorCode.ApiKeyNotFound:
      case AuthErrorCode.SessionNotFound:
      case AuthErrorCode.PasskeyNotFound:
      case AuthErrorCode.OidcNotConfigured:
      case AuthErrorCode.UserNotFound:
        return 404;
      case AuthErrorCode.EmailTaken:
      case AuthErrorCode.MfaAlreadyEnabled:
      case AuthErrorCode.PasskeyTaken:
        return 409;
      case AuthErrorCode.MfaNotPending:
      case AuthErrorCode.LastAdmin:
      case AuthErrorCode.PasswordTooShort:
      case AuthErrorCode.PasswordContainsEmail:
      case AuthErrorCode.PasswordCommon:
      case AuthErrorCode.PasswordTooWeak:
      case AuthErrorCode.WrongPassword:
      case AuthErrorCode.PasskeyRefused:
      case AuthErrorCode.TooManyPasskeys:
      case AuthErrorCode.UnknownKeyAlias:
        return 422;
      case AuthErrorCode.OidcUnavailable:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }
}
