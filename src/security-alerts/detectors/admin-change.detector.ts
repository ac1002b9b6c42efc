import { AlertDraft, Detector, SecurityEvent } from './security-event';

const ROLE_ACTIONS = new Set(['admin.user.create', 'admin.user.update', 'admin.user.bootstrap']);
const KEY_ACTIONS = new Set(['admin.api_key.create', 'admin.api_key.revoke']);

/**
 * Changes of who may do what: `admin.role_change` (a user created, re-roled or disabled; high
 * when the admin role is granted) and `admin.api_key_change` (an API key created or revoked).
 * Rare on a normal day, and each one worth a look.
 */
export class AdminChangeDetector implements Detector {
  observe(event: SecurityEvent): AlertDraft[] {
    if (event.type !== 'admin.change') {
      return [];
    }
    const base = { at: event.at, actor: event.actor };
    if (ROLE_ACTIONS.has(event.action)) {
      const roles = event.details.roles;
      const grantsAdmin = Array.isArray(roles) && roles.includes('admin');
      return [
        {
          ...base,
          kind: 'admin.role_change',
          severity: grantsAdmin ? 'high' : 'medium',
          details: {
            action: event.action,
            userId: event.target.id,
            ...pick(event.details, ['roles', 'disabled']),
          },
        },
      ];
    }
    if (KEY_ACTIONS.has(event.action)) {
      return [
        {
          ...base,
          kind: 'admin.api_key_change',
          severity: event.action === 'admin.api_key.create' ? 'medium' : 'low',
          details: {
            action: event.action,
            apiKeyId: event.target.id,
            ...pick(event.details, ['scopes']),
          },
        },
      ];
    }
    return [];
  }
}

function pick(details: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in details).map((k) => [k, details[k]]));
}
