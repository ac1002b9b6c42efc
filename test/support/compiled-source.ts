import { transformFileSync } from '@swc/core';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['src', 'libs', 'migrations'];

/** The service's source as JavaScript in a directory of its own, and how to remove it. */
export interface CompiledSource {
  root: string;
  remove(): void;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Compiles src, libs and migrations once with SWC, as the tests' own transform does, with the
 * path aliases rewritten: a test that starts a dozen processes then spares each of them
 * compiling some 500 files at start (ts-node), about a third of a worker's start-up CPU.
 * Assets (the pages' scripts and styles) are copied beside their modules.
 */
export function compileSource(): CompiledSource {
  const root = mkdtempSync(join(tmpdir(), 'privacy-compiled-'));
  for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const { code } = transformFileSync(file, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        baseUrl: ROOT,
        paths: {
          'src/*': ['src/*'],
          '@libs/crypto': ['libs/crypto/src'],
          '@libs/crypto/*': ['libs/crypto/src/*'],
          '@libs/dlp': ['libs/dlp/src'],
          '@libs/dlp/*': ['libs/dlp/src/*'],
        },
      },
      module: { type: 'commonjs' },
      swcrc: false,
    });
    const out = join(root, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  cpSync(join(ROOT, 'src', 'pages', 'assets'), join(root, 'src', 'pages', 'assets'), {
    recursive: true,
  });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
