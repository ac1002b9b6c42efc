import { AlertDraft, Detector, SecurityEvent } from './security-event';
import { Cooldowns, SlidingWindows } from './sliding-window';

export interface DownloadSpikeThresholds {
  windowMs: number;
  /** Export packages downloaded from one address. */
  perAddress: number;
  /** Export packages downloaded across the service. */
  overall: number;
}

export const DOWNLOAD_SPIKE_DEFAULTS: DownloadSpikeThresholds = {
  windowMs: 10 * 60_000,
  perAddress: 5,
  overall: 30,
};

/** `export.download_spike`: many access packages downloaded from one address, or in all. */
export class DownloadSpikeDetector implements Detector {
  private readonly windows: SlidingWindows<string>;
  private readonly cooldowns: Cooldowns;

  constructor(private readonly t: DownloadSpikeThresholds = DOWNLOAD_SPIKE_DEFAULTS) {
    this.windows = new SlidingWindows(t.windowMs);
    this.cooldowns = new Cooldowns(t.windowMs);
  }

  observe(event: SecurityEvent): AlertDraft[] {
    if (event.type !== 'export.download') {
      return [];
    }
    const alerts: AlertDraft[] = [];
    const minutes = this.t.windowMs / 60_000;
    const fromAddress = this.windows.add(`address:${event.address}`, event.at, event.requestId);
    if (
      fromAddress.length >= this.t.perAddress &&
      this.cooldowns.take(`address:${event.address}`, event.at)
    ) {
      alerts.push({
        kind: 'export.download_spike',
        severity: 'high',
        at: event.at,
        actor: { type: 'anonymous', id: null },
        details: {
          scope: 'address',
          address: event.address,
          downloads: fromAddress.length,
          requests: new Set(fromAddress.map((e) => e.value)).size,
          minutes,
        },
      });
    }
    const overall = this.windows.add('overall', event.at, event.requestId);
    if (overall.length >= this.t.overall && this.cooldowns.take('overall', event.at)) {
      alerts.push({
        kind: 'export.download_spike',
        severity: 'medium',
        at: event.at,
        actor: { type: 'anonymous', id: null },
        details: { scope: 'overall', downloads: overall.length, minutes },
      });
    }
    return alerts;
  }
}
