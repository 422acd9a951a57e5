/** Runs the platform in a child process (for kill -9 tests): settings from the environment, prints READY <url>. */
import { loadConfig } from '../../src/config';
import { startPlatform } from '../../src/main';

startPlatform(loadConfig(process.env)).then(
  (platform) => process.stdout.write(`READY ${platform.url}\n`),
  (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
