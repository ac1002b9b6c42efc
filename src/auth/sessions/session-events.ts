import { Injectable, Logger } from '@nestjs/common';
import type { SessionMethod } from '../entities/auth-session.entity';

/** One login that opened a session: what detectors of unusual logins need, and nothing more. */
export interface SessionOpened {
  userId: string;
  sessionId: string;
  method: SessionMethod;
  userAgent: string | null;
  /** IPv4 /24 or IPv6 /48, never the full address. */
  address: string | null;
  /** No earlier session of this user came from this user agent and network. */
  newDevice: boolean;
  at: Date;
}

type Listener = (event: SessionOpened) => void | Promise<void>;

/**
 * Where login facts are published. Listeners (anomaly detection, notices) subscribe at start-up;
 * a failing listener is logged and never fails the login.
 */
@Injectable()
export class SessionEvents {
  private readonly logger = new Logger(SessionEvents.name);
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async opened(event: SessionOpened): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (e) {
        this.logger.error(`A session listener failed: ${(e as Error).name}`);
      }
    }
  }
}
