import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { Injectable } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../auth.error';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's "safely unguessable" (3) or better: about 10^8 guesses and more. */
export const MIN_STRENGTH = 3;

export type PasswordRule = 'too-short' | 'contains-email' | 'common' | 'too-weak';

const CODES: Record<PasswordRule, AuthErrorCode> = {
  'too-short': AuthErrorCode.PasswordTooShort,
  'contains-email': AuthErrorCode.PasswordContainsEmail,
  common: AuthErrorCode.PasswordCommon,
  'too-weak': AuthErrorCode.PasswordTooWeak,
};

const MESSAGES: Record<PasswordRule, string> = {
  'too-short': `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
  'contains-email': 'The password must not contain the e-mail address or its name part.',
  common: 'The password is on the list of common and breached passwords.',
  'too-weak': 'The password is too easy to guess: use a longer passphrase of unrelated words.',
};

/**
 * Admin passwords: at least 12 characters, not the user's e-mail (nor its name part), not on the
 * bundled list of common and breached passwords (zxcvbn-ts's, from public breach corpora), and a
 * zxcvbn strength of 3 or more. Failures name the rule, never the password.
 */
@Injectable()
export class PasswordPolicy {
  private readonly common: ReadonlySet<string>;
  private readonly zxcvbn: ZxcvbnFactory;

  constructor() {
    this.common = new Set(common.dictionary['passwords-common']);
    this.zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
      // Bounds the estimate's cost: more substitutions or characters add nothing to a verdict
      // but grow its time steeply (a 40-character hex string took seconds at the defaults).
      l33tMaxSubstitutions: 10,
      maxLength: 64,
    });
  }

  /** The first rule the password breaks, or undefined when it passes. */
  check(password: string, email: string): PasswordRule | undefined {
    if ([...password].length < MIN_PASSWORD_LENGTH) {
      return 'too-short';
    }
    const folded = password.normalize('NFKC').toLowerCase();
    const address = email.trim().toLowerCase();
    const name = address.split('@')[0];
    if (folded.includes(address) || (name.length >= 4 && folded.includes(name))) {
      return 'contains-email';
    }
    if (this.common.has(folded) || this.common.has(folded.replace(/\s+/g, ''))) {
      return 'common';
    }
    const inputs = [address, name, ...name.split(/[._+-]+/).filter((p) => p.length >= 3)];
    return this.zxcvbn.check(password, inputs).score < MIN_STRENGTH ? 'too-weak' : undefined;
  }

  /** Throws a 422 naming the rule (and the field) when the password breaks one. */
  assert(password: string, email: string, field = 'password'): void {
    const rule = this.check(password, email);
    if (rule) {
      throw new AuthError(CODES[rule], MESSAGES[rule], [{ field, message: MESSAGES[rule] }]);
    }
  }
}
