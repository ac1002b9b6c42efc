import { listeningUrl } from './listening-url';

describe('listeningUrl', () => {
  it('names localhost and the bound port when listening on every interface', () => {
    expect(listeningUrl({ address: '::', family: 'IPv6', port: 3000 }, false)).toBe(
      'http://localhost:3000',
    );
    expect(listeningUrl({ address: '0.0.0.0', family: 'IPv4', port: 8443 }, true)).toBe(
      'https://localhost:8443',
    );
  });

  it('names a specific address as given, IPv6 in brackets', () => {
    expect(listeningUrl({ address: '127.0.0.1', family: 'IPv4', port: 1 }, false)).toBe(
      'http://127.0.0.1:1',
    );
    expect(listeningUrl({ address: '::1', family: 'IPv6', port: 2 }, true)).toBe('https://[::1]:2');
  });
});
