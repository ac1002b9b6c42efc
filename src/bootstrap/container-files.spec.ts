import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from 'src/config/load-config';

/**
 * No Docker engine runs in CI, so the compose file and the Dockerfile are checked as text: the
 * structure compose reads, and the facts the image's runtime stage must keep.
 */
const ROOT = join(__dirname, '..', '..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Service {
  profiles?: string[];
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const inProfile = (profile: string): string[] =>
  Object.keys(services).filter((name) => services[name].profiles?.includes(profile));

/** What `${NAME:-default}` becomes with nothing set; `${NAME:?…}` would stop compose itself. */
function interpolateUnset(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** The runtime stage: everything after the last FROM. */
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('docker-compose.yml', () => {
  it('requires no variable to be set anywhere (compose would fail before any profile is picked)', () => {
    expect(composeText).not.toMatch(/\$\{[A-Z_]+:?\?/);
    expect(composeText).not.toMatch(/\$[A-Z_]/);
  });

  it('gives every service a profile, and the dev and prod profiles their own app and database', () => {
    for (const service of Object.values(services)) {
      expect(service.profiles?.length).toBeGreaterThan(0);
    }
    expect(inProfile('dev').sort()).toEqual(['app-dev', 'postgres-dev', 'redis']);
    expect(inProfile('prod').sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('only depends on services of the same profile, and only declared volumes are mounted', () => {
    for (const profile of ['dev', 'prod']) {
      for (const name of inProfile(profile)) {
        for (const dependency of Object.keys(services[name].depends_on ?? {})) {
          expect(inProfile(profile)).toContain(dependency);
        }
        for (const mount of services[name].volumes ?? []) {
          expect(Object.keys(compose.volumes)).toContain(mount.split(':')[0]);
        }
      }
    }
  });

  it('runs the dev app with nothing set: its environment loads as a valid development configuration', () => {
    const env = Object.fromEntries(
      Object.entries(services['app-dev'].environment ?? {}).map(([k, v]) => [
        k,
        interpolateUnset(v),
      ]),
    );
    expect(env.NODE_ENV).toBe('development');
    const config = loadConfig(env, mkdtempSync(join(tmpdir(), 'compose-dev-')));
    expect(config.databaseUrl).toBe('postgres://postgres@postgres-dev:5432/privacy');
    expect(config.smtp.url).toBeUndefined();
  });

  it('refuses to run the prod stack on development defaults: the service names what is missing', () => {
    const env = Object.fromEntries(
      Object.entries(services.api.environment ?? {}).map(([k, v]) => [k, interpolateUnset(v)]),
    );
    expect(() => loadConfig(env, mkdtempSync(join(tmpdir(), 'compose-prod-')))).toThrow(
      /MASTER_KEY[\s\S]*SMTP_URL|SMTP_URL[\s\S]*MASTER_KEY/,
    );
  });

  it('mounts the exports volume where the image points EXPORT_DIR, for the API and every worker', () => {
    const exportDir = /EXPORT_DIR=(\S+)/.exec(runtime)?.[1];
    expect(exportDir).toBe('/var/lib/privacy/exports');
    for (const name of ['app-dev', 'api', 'worker']) {
      expect(services[name].volumes?.some((v) => v.endsWith(`:${exportDir}`))).toBe(true);
    }
    expect(services.worker.command).toEqual([
      'node',
      '--max-semi-space-size=64',
      'dist/src/worker.js',
    ]);
  });
});

describe('Dockerfile', () => {
  it('runs as the non-root user node', () => {
    expect(runtime).toMatch(/\nUSER node\n/);
    expect(runtime.indexOf('USER node')).toBeGreaterThan(runtime.indexOf('chown'));
  });

  it('creates the exports, mail and .data directories owned by node before switching to it', () => {
    const chown = /chown -R node:node ([^\n\\&]+)/.exec(runtime)?.[1].trim().split(/\s+/) ?? [];
    expect(chown).toEqual(expect.arrayContaining(['/var/lib/privacy', '/app/.data']));
    expect(runtime).toMatch(/mkdir -p [^\n]*\/var\/lib\/privacy\/exports/);
    // A named volume starts as a copy of the image's directory, owner included.
    for (const dir of ['/var/lib/privacy/exports', '/app/.data']) {
      expect(
        Object.values(services).some((s) => s.volumes?.some((v) => v.endsWith(`:${dir}`))),
      ).toBe(true);
    }
  });

  it('checks health with the script it copies, which follows PORT and TLS', () => {
    expect(runtime).toContain(
      'COPY --chown=node:node scripts/healthcheck.js ./scripts/healthcheck.js',
    );
    expect(runtime).toContain('CMD ["node", "scripts/healthcheck.js"]');
  });
});
