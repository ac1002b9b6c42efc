import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { Role } from 'src/common/access/caller';
import { AccessTokenService } from '../tokens/access-token.service';
import { AuthSessionEntity } from '../entities/auth-session.entity';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

@Injectable()
export class SessionService {
  constructor(
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    private readonly tokens: AccessTokenService,
  ) {}

  async open(userId: string, roles: Role[]): Promise<IssuedToken> {
    const ttl = this.tokens.accessTtlSeconds;
    const session = await this.sessions.save(
      this.sessions.create({
        userId,
        expiresAt: new Date(Date.now() + ttl * 1000),
        revokedAt: null,
      }),
    );
    const accessToken = await this.tokens.signAccess({ userId, sessionId: session.id, roles });
    return { accessToken, expiresIn: ttl };
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    return this.sessions.exists({
      where: { id: sessionId, userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
