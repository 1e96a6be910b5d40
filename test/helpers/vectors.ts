// The shared test vectors live beside the checkout (../shared/vectors), in CI as on a developer's machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = process.env.NOWSMS_VECTORS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/vectors');

export function readVectors<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, relative), 'utf8')) as T;
}
