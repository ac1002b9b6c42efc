import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Role, Scope } from './caller';

export const ACCESS_KEY = 'access:rule';

/**
 * Every route declares who may call it; the access guard denies routes that do not.
 * `public`: anyone; `authenticated`: any valid caller; otherwise a user with one of `roles`
 * or an API key with one of `scopes` (with `allScopes`: every one of them).
 */
export type AccessRule =
  | { kind: 'public'; rateLimit?: 'login' | 'public' }
  | { kind: 'authenticated' }
  | { kind: 'restricted'; roles: Role[]; scopes: Scope[]; allScopes?: boolean };

/** The OpenAPI extension that carries each operation's rule; swagger.ts turns it into words. */
export const ACCESS_EXTENSION = 'x-access';

const declared = (rule: AccessRule) =>
  applyDecorators(SetMetadata(ACCESS_KEY, rule), ApiExtension(ACCESS_EXTENSION, rule));

export const Public = (rateLimit?: 'login' | 'public'): MethodDecorator & ClassDecorator =>
  declared({ kind: 'public', rateLimit } satisfies AccessRule);

const secured = (rule: AccessRule): MethodDecorator & ClassDecorator =>
  applyDecorators(
    declared(rule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credentials (problem+json).' }),
    ApiForbiddenResponse({
      description:
        'The caller lacks the role or scope; the detail names the one required (problem+json).',
    }),
  );

export const Authenticated = (): MethodDecorator & ClassDecorator =>
  secured({ kind: 'authenticated' });

export const Access = (allowed: {
  roles?: Role[];
  scopes?: Scope[];
  /** An API key needs every scope listed, not just one (operations that both read and write). */
  allScopes?: boolean;
}): MethodDecorator & ClassDecorator =>
  secured({
    kind: 'restricted',
    roles: allowed.roles ?? [],
    scopes: allowed.scopes ?? [],
    allScopes: allowed.allScopes,
  });

export const MFA_ENROLMENT_KEY = 'access:mfa-enrolment';

/**
 * Open to admin users who still have to enrol a second factor (MFA_REQUIRED): enrolment itself,
 * and what a session needs meanwhile (who am I, my sessions, logout).
 */
export const OpenDuringMfaEnrolment = (): MethodDecorator & ClassDecorator =>
  SetMetadata(MFA_ENROLMENT_KEY, true);
