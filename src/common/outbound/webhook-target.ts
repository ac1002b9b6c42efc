import { ValidationFailed } from 'src/common/http/validation-failed';
import { namesPrivateHost } from './private-address';

/**
 * Refuses, as a validation failure of `field` (400), a webhook URL whose host is plainly on a
 * private network while such targets are not allowed: better told now than lost at delivery.
 */
export function assertWebhookTarget(
  url: string | undefined,
  field: string,
  allowPrivateNetworks: boolean,
): void {
  if (url !== undefined && !allowPrivateNetworks && namesPrivateHost(new URL(url))) {
    throw new ValidationFailed([
      { field, message: `${field} must not point at a loopback, private or link-local address` },
    ]);
  }
}
