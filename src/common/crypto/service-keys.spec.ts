import type { AppConfig } from 'src/config/app-config';
import { ServiceKeys } from './service-keys';

describe('ServiceKeys', () => {
  const keys = new ServiceKeys({ masterKey: Buffer.alloc(32, 9) } as AppConfig);

  it('opens a value sealed for an owner only for that owner', () => {
    const sealed = keys.seal('totp-secret', 'JBSWY3DPEHPK3PXP', 'user-a');
    expect(keys.open('totp-secret', sealed, 'user-a')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => keys.open('totp-secret', sealed, 'user-b')).toThrow();
    expect(() => keys.open('backup-code', sealed, 'user-a')).toThrow();
  });

  it("does not open a value sealed for no owner as an owner's", () => {
    const former = keys.seal('totp-secret', 'JBSWY3DPEHPK3PXP');
    expect(() => keys.open('totp-secret', former, 'user-a')).toThrow();
    expect(keys.open('totp-secret', former)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('opens, when asked to, a value sealed before values named their owner', () => {
    const former = keys.seal('idempotent-answer', '{}');
    expect(keys.openOwnedOrFormer('idempotent-answer', former, 'scope-a')).toBe('{}');
    const owned = keys.seal('idempotent-answer', '{}', 'scope-a');
    expect(() => keys.openOwnedOrFormer('idempotent-answer', owned, 'scope-b')).toThrow();
  });
});
