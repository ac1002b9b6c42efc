import { AppConfig } from 'src/config/app-config';
import { ConfigError, loadConfig } from 'src/config/load-config';

/** A bad configuration stops the process with one line per problem, and nothing else. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
