import { AdminChangeDetector } from './admin-change.detector';
import {
  DECRYPT_SPIKE_DEFAULTS,
  DecryptSpikeDetector,
  DecryptSpikeThresholds,
} from './decrypt-spike.detector';
import {
  DOWNLOAD_SPIKE_DEFAULTS,
  DownloadSpikeDetector,
  DownloadSpikeThresholds,
} from './download-spike.detector';
import { FailureBurstDetector } from './failure-burst.detector';
import { AlertDraft, Detector, SecurityEvent } from './security-event';

/** Every stream detector, each with its own state; `login.new_device` needs storage and lives outside. */
export class Detectors {
  private readonly all: Detector[];

  constructor(
    thresholds: {
      decrypt?: Partial<DecryptSpikeThresholds>;
      downloads?: Partial<DownloadSpikeThresholds>;
    } = {},
  ) {
    this.all = [
      new FailureBurstDetector(),
      new DecryptSpikeDetector({ ...DECRYPT_SPIKE_DEFAULTS, ...thresholds.decrypt }),
      new DownloadSpikeDetector({ ...DOWNLOAD_SPIKE_DEFAULTS, ...thresholds.downloads }),
      new AdminChangeDetector(),
    ];
  }

  observe(events: Iterable<SecurityEvent>): AlertDraft[] {
    const alerts: AlertDraft[] = [];
    for (const event of events) {
      for (const detector of this.all) {
        alerts.push(...detector.observe(event));
      }
    }
    return alerts;
  }
}
