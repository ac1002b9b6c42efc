import { AdminChangeDetector } from './admin-change.detector';
import { DecryptSpikeDetector } from './decrypt-spike.detector';
import { DownloadSpikeDetector } from './download-spike.detector';
import { FailureBurstDetector } from './failure-burst.detector';
import { AlertDraft, Detector, SecurityEvent } from './security-event';

/** Every stream detector, each with its own state; `login.new_device` needs storage and lives outside. */
export class Detectors {
  private readonly all: Detector[] = [
    new FailureBurstDetector(),
    new DecryptSpikeDetector(),
    new DownloadSpikeDetector(),
    new AdminChangeDetector(),
  ];

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
