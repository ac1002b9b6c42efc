import type { AppConfig } from 'src/config/app-config';
import { PasswordHasher } from './password-hasher';

const withCost = (passwordHashCost: number): PasswordHasher =>
  new PasswordHasher({ auth: { passwordHashCost } } as AppConfig);

describe('PasswordHasher', () => {
  const hasher = withCost(17);

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapl', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('answers false for an unknown account after doing the same work', async () => {
    await expect(hasher.verify('anything at all', undefined)).resolves.toBe(false);
  });

  it('verifies a hash made at another cost by the parameters stored with it', async () => {
    const stored = await withCost(12).hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$4096\$8\$1\$/);
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
  });
});
