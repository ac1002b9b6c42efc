import { Injectable } from '@nestjs/common';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { SessionListDto } from '../dto/session.dto';
import { AuthSessionEntity } from '../entities/auth-session.entity';
import { SessionService } from './session.service';

/** Listing and ending sessions on request of their user or an admin, each act audited. */
@Injectable()
export class SessionManagementService {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  async listOwn(userId: string, currentSessionId: string | null): Promise<SessionListDto> {
    const rows = await this.sessions.list(userId);
    return { items: rows.map((r) => toDto(r, currentSessionId)), nextCursor: null };
  }

  async endOwn(ctx: RequestContext, userId: string, sessionId: string): Promise<void> {
    const ended = await this.sessions.end(userId, 'user', { only: sessionId });
    if (ended.length === 0) {
      throw new AuthError(AuthErrorCode.SessionNotFound, 'No such open session.');
    }
    await this.audit.record(ctx, {
      action: 'auth.session.revoke',
      target: { type: 'session', id: sessionId },
    });
  }

  async endOthers(ctx: RequestContext, userId: string, currentSessionId: string): Promise<void> {
    const ended = await this.sessions.end(userId, 'others', { except: currentSessionId });
    await this.audit.record(ctx, {
      action: 'auth.session.revoke_others',
      target: { type: 'user', id: userId },
      details: { ended: ended.length },
    });
  }

  async endAllOfUser(ctx: RequestContext, userId: string): Promise<void> {
    const ended = await this.sessions.end(userId, 'admin');
    await this.audit.record(ctx, {
      action: 'admin.user.sessions.revoke',
      target: { type: 'user', id: userId },
      details: { ended: ended.length },
    });
  }
}

function toDto(row: AuthSessionEntity, currentSessionId: string | null) {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: row.userAgent,
    address: row.address,
    method: row.method,
    current: row.id === currentSessionId,
  };
}
