import { AlertDraft, Detector, SecurityEvent } from './security-event';
import { Cooldowns } from './sliding-window';

export interface DecryptSpikeThresholds {
  /** Weight of each finished minute in the moving baseline (idle minutes count as zero). */
  alpha: number;
  /** A minute this many times above the key's baseline is a spike... */
  factor: number;
  /** ...provided it decrypts at least this many fields. */
  minFields: number;
  /** Minutes of history a key needs before its baseline is trusted. */
  warmupMinutes: number;
  /** Without a trusted baseline, only a minute this large is a spike. */
  coldFields: number;
  cooldownMs: number;
}

/** A key with no baseline yet must decrypt this many times `minFields` in a minute. */
export const COLD_FACTOR = 20;

export const DECRYPT_SPIKE_DEFAULTS: DecryptSpikeThresholds = {
  alpha: 0.1,
  factor: 10,
  minFields: 500,
  warmupMinutes: 10,
  coldFields: 500 * COLD_FACTOR,
  cooldownMs: 10 * 60_000,
};

interface KeyState {
  firstMinute: number;
  minute: number;
  fields: number;
  baseline: number;
}

/**
 * `crypto.decrypt_spike`: an API key decrypting far above its own moving baseline (an
 * exponentially weighted mean of its fields per minute), judged as soon as the current minute
 * crosses the line rather than when it ends.
 */
export class DecryptSpikeDetector implements Detector {
  private readonly keys = new Map<string, KeyState>();
  private readonly cooldowns: Cooldowns;

  constructor(private readonly t: DecryptSpikeThresholds = DECRYPT_SPIKE_DEFAULTS) {
    this.cooldowns = new Cooldowns(t.cooldownMs);
  }

  observe(event: SecurityEvent): AlertDraft[] {
    if (event.type !== 'crypto.decrypt') {
      return [];
    }
    const minute = Math.floor(event.at / 60_000);
    let state = this.keys.get(event.keyId);
    if (!state) {
      state = { firstMinute: minute, minute, fields: 0, baseline: 0 };
      this.keys.set(event.keyId, state);
    }
    if (minute > state.minute) {
      // The finished minute, then every idle minute since, each weighs into the baseline.
      state.baseline = state.baseline * (1 - this.t.alpha) + state.fields * this.t.alpha;
      state.baseline *= (1 - this.t.alpha) ** (minute - state.minute - 1);
      state.minute = minute;
      state.fields = 0;
    }
    state.fields += event.fields;
    const warm = minute - state.firstMinute >= this.t.warmupMinutes;
    const line = warm
      ? Math.max(this.t.minFields, this.t.factor * state.baseline)
      : this.t.coldFields;
    if (state.fields < line || !this.cooldowns.take(event.keyId, event.at)) {
      return [];
    }
    return [
      {
        kind: 'crypto.decrypt_spike',
        severity: 'high',
        at: event.at,
        actor: { type: 'api_key', id: event.keyId },
        details: {
          fieldsThisMinute: state.fields,
          baselinePerMinute: Math.round(state.baseline * 10) / 10,
          factor: this.t.factor,
          warm,
        },
      },
    ];
  }
}
