// `npm start` builds once on a fresh checkout and again whenever a source file is newer than the build.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const built = join(__dirname, '..', 'dist', 'src', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

const sources = ['src', 'libs', 'migrations'].map((d) => join(__dirname, '..', d));
const stale =
  !existsSync(built) || sources.some((dir) => existsSync(dir) && newestMtime(dir) > statSync(built).mtimeMs);
if (stale) {
  execSync('npx nest build', { stdio: 'inherit', cwd: join(__dirname, '..') });
}
