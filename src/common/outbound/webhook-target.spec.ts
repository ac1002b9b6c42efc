import { ValidationFailed } from 'src/common/http/validation-failed';
import { assertWebhookTarget } from './webhook-target';

describe('assertWebhookTarget', () => {
  it.each([
    'http://127.0.0.1:8080/x',
    'http://localhost/x',
    'http://api.localhost/x',
    'http://localhost./x',
    'http://API.LOCALHOST./x',
    'http://[::1]/x',
    'https://10.0.0.5/x',
    'http://169.254.169.254/latest',
    'http://[::127.0.0.1]/x',
    'http://[::ffff:169.254.169.254]/x',
    'http://[64:ff9b::127.0.0.1]/x',
    'http://[2002:7f00:1::]/x',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x',
  ])('refuses %s as a validation failure of its field', (url) => {
    let error: unknown;
    try {
      assertWebhookTarget(url, 'webhookUrl', false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['webhookUrl']);
  });

  it('lets public hosts, names that are not localhost, and allowed private targets through', () => {
    expect(() => assertWebhookTarget('https://crm.example.com/h', 'url', false)).not.toThrow();
    expect(() =>
      assertWebhookTarget('https://localhost.example.com/h', 'url', false),
    ).not.toThrow();
    expect(() => assertWebhookTarget('http://127.0.0.1/h', 'url', true)).not.toThrow();
    expect(() => assertWebhookTarget(undefined, 'url', false)).not.toThrow();
  });
});
