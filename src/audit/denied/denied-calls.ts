/** One group of refused calls: one caller, one route, one minute. */
export interface DeniedGroup {
  minute: number;
  actor: { type: string; id: string | null };
  method: string;
  route: string;
  status: number;
  /** The caller's coarse address (anonymous callers are told apart by it). */
  address: string;
  /** Refusals counted since the group's last event. */
  pending: number;
}

export type DeniedCall = Omit<DeniedGroup, 'minute' | 'pending'>;

/**
 * Counts refused calls per caller, route, status and minute. The first refusal of a group is
 * reported at once (so a single refusal shows up in the audit log straight away); later ones
 * only as a count when the minute is over. A flood therefore adds at most two events per caller,
 * route and minute, however many requests it sends.
 */
export class DeniedCallCounter {
  private readonly groups = new Map<string, DeniedGroup>();

  constructor(private readonly maxGroups = 10_000) {}

  /** The group to report now (its first refusal), or undefined when it is only counted. */
  note(call: DeniedCall, now: number): DeniedGroup | undefined {
    const minute = Math.floor(now / 60_000);
    const key = [
      minute,
      call.actor.type,
      call.actor.id ?? call.address,
      call.method,
      call.route,
      call.status,
    ].join('\u0000');
    const group = this.groups.get(key);
    if (group) {
      group.pending += 1;
      return undefined;
    }
    if (this.groups.size >= this.maxGroups) {
      return undefined;
    }
    this.groups.set(key, { ...call, minute, pending: 0 });
    return { ...call, minute, pending: 1 };
  }

  /** Groups whose minute is over (all of them with `all`), with refusals not yet reported. */
  drain(now: number, all = false): DeniedGroup[] {
    const current = Math.floor(now / 60_000);
    const out: DeniedGroup[] = [];
    for (const [key, group] of this.groups) {
      if (all || group.minute < current) {
        this.groups.delete(key);
        if (group.pending > 0) {
          out.push(group);
        }
      }
    }
    return out;
  }
}
