import type { AccessRule } from './access.decorator';

const list = (items: readonly string[], joiner: 'or' | 'and'): string =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;

/** Who may call an operation, in words: the 403 detail and the OpenAPI description say this. */
export function describeAccess(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return 'Open to anyone, without credentials.';
    case 'authenticated':
      return 'Any authenticated caller (admin user or API key).';
    case 'restricted': {
      const parts: string[] = [];
      if (rule.roles.length > 0) {
        parts.push(
          `an admin user with the role ${list(rule.roles, 'or')}`.replace(
            /the role (\S+ or)/,
            'one of the roles $1',
          ),
        );
      }
      if (rule.scopes.length > 0) {
        const all = rule.allScopes === true && rule.scopes.length > 1;
        parts.push(
          all
            ? `an API key with every one of the scopes ${list(rule.scopes, 'and')}`
            : `an API key with the scope ${list(rule.scopes, 'or')}`,
        );
      }
      return parts.length > 0 ? `Requires ${parts.join(', or ')}.` : 'Not open to any caller.';
    }
  }
}
