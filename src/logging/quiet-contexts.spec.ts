import { isProbe, isStartupNoise } from './quiet-contexts';

describe('start-up noise', () => {
  it('drops the per-route and per-module lines Nest logs at start-up', () => {
    expect(
      isStartupNoise([{ context: 'RouterExplorer' }, 'Mapped {/v1/dlp/scan, POST} route']),
    ).toBe(true);
    expect(
      isStartupNoise([{ context: 'InstanceLoader' }, 'AppModule dependencies initialized']),
    ).toBe(true);
  });

  it('keeps every other line, including the listening line and plain messages', () => {
    expect(isStartupNoise([{ context: 'Bootstrap' }, 'Listening on http://localhost:3000'])).toBe(
      false,
    );
    expect(isStartupNoise(['a plain message'])).toBe(false);
    expect(isStartupNoise([{ req: { id: 'x' } }, 'request completed'])).toBe(false);
  });
});

describe('probe requests', () => {
  it('are the health and metrics paths, with or without a query', () => {
    expect(isProbe('/health/ready')).toBe(true);
    expect(isProbe('/metrics?x=1')).toBe(true);
    expect(isProbe('/v1/consents/check?subjectId=1')).toBe(false);
  });
});
