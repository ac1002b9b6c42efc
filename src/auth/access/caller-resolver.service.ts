import { Injectable } from '@nestjs/common';
import { Caller } from 'src/common/access/caller';
import { API_KEY_PREFIX, ApiKeysService } from '../api-keys/api-keys.service';
import { SessionService } from '../sessions/session.service';
import { AccessTokenService } from '../tokens/access-token.service';

/** Turns an Authorization header into a caller: an API key or a user's access token. */
@Injectable()
export class CallerResolver {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: AccessTokenService,
    private readonly sessions: SessionService,
  ) {}

  async resolve(authorization: string | undefined): Promise<Caller | undefined> {
    const match = /^Bearer\s+(\S{1,2048})\s*$/i.exec(authorization ?? '');
    if (!match) {
      return undefined;
    }
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = await this.apiKeys.authenticate(credential);
      return key
        ? { kind: 'apiKey', id: key.id, scopes: key.scopes, keyAliases: key.keyAliases }
        : undefined;
    }
    const claims = await this.tokens.verifyAccess(credential);
    const session = claims && (await this.sessions.resolve(claims.sessionId, claims.userId));
    if (!claims || !session) {
      return undefined;
    }
    // Roles as they are now, not as they were when the token was signed.
    return { kind: 'user', id: claims.userId, roles: session.roles, sessionId: claims.sessionId };
  }
}
