import { AlertDraft, Detector, SecurityEvent } from './security-event';
import { Cooldowns, SlidingWindows } from './sliding-window';

export interface FailureBurstThresholds {
  windowMs: number;
  /** Failed logins from one address (any accounts). */
  perAddress: number;
  /** Distinct accounts failed from one address: credential stuffing. */
  accountsPerAddress: number;
  /** Failed logins against one account (any addresses). */
  perAccount: number;
}

export const FAILURE_BURST_DEFAULTS: FailureBurstThresholds = {
  windowMs: 10 * 60_000,
  perAddress: 20,
  accountsPerAddress: 10,
  perAccount: 10,
};

/** `login.failure_burst`: many failed logins from one address, or against one account. */
export class FailureBurstDetector implements Detector {
  private readonly byAddress: SlidingWindows<string>;
  private readonly byAccount: SlidingWindows<string>;
  private readonly cooldowns: Cooldowns;

  constructor(private readonly t: FailureBurstThresholds = FAILURE_BURST_DEFAULTS) {
    this.byAddress = new SlidingWindows(t.windowMs);
    this.byAccount = new SlidingWindows(t.windowMs);
    this.cooldowns = new Cooldowns(t.windowMs);
  }

  observe(event: SecurityEvent): AlertDraft[] {
    if (event.type !== 'login.failure') {
      return [];
    }
    const alerts: AlertDraft[] = [];
    const minutes = this.t.windowMs / 60_000;
    const fromAddress = this.byAddress.add(event.address, event.at, event.account);
    const accounts = new Set(fromAddress.map((e) => e.value)).size;
    if (
      accounts >= this.t.accountsPerAddress &&
      this.cooldowns.take(`accounts:${event.address}`, event.at)
    ) {
      alerts.push(
        this.alert(event, 'high', {
          scope: 'accounts',
          address: event.address,
          accounts,
          failures: fromAddress.length,
          minutes,
        }),
      );
    } else if (
      fromAddress.length >= this.t.perAddress &&
      this.cooldowns.take(`address:${event.address}`, event.at)
    ) {
      alerts.push(
        this.alert(event, 'medium', {
          scope: 'address',
          address: event.address,
          accounts,
          failures: fromAddress.length,
          minutes,
        }),
      );
    }
    const onAccount = this.byAccount.add(event.account, event.at, event.address);
    if (
      onAccount.length >= this.t.perAccount &&
      this.cooldowns.take(`account:${event.account}`, event.at)
    ) {
      const addresses = new Set(onAccount.map((e) => e.value)).size;
      alerts.push(
        this.alert(event, 'medium', {
          scope: 'account',
          account: event.account,
          addresses,
          failures: onAccount.length,
          minutes,
        }),
      );
    }
    return alerts;
  }

  private alert(
    event: SecurityEvent,
    severity: AlertDraft['severity'],
    details: Record<string, unknown>,
  ): AlertDraft {
    return {
      kind: 'login.failure_burst',
      severity,
      at: event.at,
      actor: { type: 'anonymous', id: null },
      details,
    };
  }
}
