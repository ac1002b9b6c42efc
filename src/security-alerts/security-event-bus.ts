import { Global, Injectable, Module } from '@nestjs/common';
import { coarseAddress } from 'src/auth/sessions/coarse-address';
import type { RequestContext } from 'src/common/access/request-context.decorator';
import type { AuditEventEntity } from 'src/audit/entities/audit-event.entity';
import type { SecurityEvent } from './detectors/security-event';

const MAX_BUFFERED = 100_000;
const ADMIN_CHANGES = new Set([
  'admin.user.create',
  'admin.user.update',
  'admin.user.bootstrap',
  'admin.api_key.create',
  'admin.api_key.revoke',
]);

/**
 * Where the request path drops security events: an array push, nothing more, so detection costs
 * the hot path nothing; the detection loop drains it in batches. Audited acts reach it from the
 * audit service (decrypts, export downloads, admin changes), failed logins from the login limiter.
 */
@Injectable()
export class SecurityEventBus {
  private buffer: SecurityEvent[] = [];

  push(event: SecurityEvent): void {
    // Under a flood the oldest half goes: detection must never hold memory hostage.
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer = this.buffer.slice(MAX_BUFFERED / 2);
    }
    this.buffer.push(event);
  }

  drain(): SecurityEvent[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  /** The security event an audited act stands for, if any. */
  audited(event: AuditEventEntity, ctx: RequestContext): void {
    if (event.outcome !== 'success') {
      return;
    }
    const at = event.occurredAt.getTime();
    if (event.action === 'crypto.decrypt' && event.actorType === 'api_key' && event.actorId) {
      const fields = Number(event.details.fieldCount ?? 1);
      this.push({ type: 'crypto.decrypt', at, keyId: event.actorId, fields });
    } else if (event.action === 'privacy_request.export_downloaded') {
      const address = coarseAddress(ctx.ip) ?? 'unknown';
      this.push({ type: 'export.download', at, address, requestId: event.targetId ?? '' });
    } else if (ADMIN_CHANGES.has(event.action)) {
      this.push({
        type: 'admin.change',
        at,
        action: event.action,
        actor: { type: event.actorType, id: event.actorId },
        target: { type: event.targetType ?? '', id: event.targetId },
        details: event.details,
      });
    }
  }
}

/** Global, and free of dependencies, so the audit service and the limiter can both feed it. */
@Global()
@Module({ providers: [SecurityEventBus], exports: [SecurityEventBus] })
export class SecurityEventBusModule {}
