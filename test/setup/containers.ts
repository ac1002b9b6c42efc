import type { StartedTestContainer } from 'testcontainers';

/**
 * Starts a server in Docker when none answers locally. Loaded lazily so machines without Docker
 * never touch testcontainers unless they need it.
 */
export async function startContainer(
  image: string,
  port: number,
  env: Record<string, string>,
  waitLog: RegExp,
): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  try {
    return await new GenericContainer(image)
      .withEnvironment(env)
      .withExposedPorts(port)
      .withWaitStrategy(Wait.forLogMessage(waitLog))
      .start();
  } catch (e) {
    throw new Error(
      `No ${image.split(':')[0]} server answered and Docker could not start one (${(e as Error).message}). ` +
        'Start the server locally (see README "Development") or point DATABASE_URL / REDIS_URL / MYSQL_URL at one.',
    );
  }
}
