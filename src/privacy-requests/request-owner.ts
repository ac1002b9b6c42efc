import type { RequestContext } from 'src/common/access/request-context.decorator';

/**
 * The API key whose requests alone the caller may see, or null when visibility goes by role
 * (admin users) or the service acts itself. A request records the key that filed it.
 */
export function apiKeyOf(ctx: RequestContext): string | null {
  return ctx.caller?.kind === 'apiKey' ? ctx.caller.id : null;
}
