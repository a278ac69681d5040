import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') newest = Math.max(newest, newestSourceMs(path));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * How a bench starts one of kubegrade's processes: the compiled JavaScript when `npm run build`
 * is newer than every source (what production runs), else the sources through tsx, so a stale
 * build is never measured. `nodeOptions` go to node itself (e.g. --cpu-prof).
 */
export function serviceCommand(
  entry: string,
  nodeOptions: string[] = [],
): { command: string; args: string[]; compiled: boolean } {
  const compiled = `dist/${entry.replace(/\.ts$/, '.js')}`;
  const fresh =
    existsSync(compiled) &&
    statSync(compiled).mtimeMs >
      Math.max(...['src', 'worker', 'sim'].map((directory) => newestSourceMs(directory)));
  return fresh
    ? { command: process.execPath, args: [...nodeOptions, compiled], compiled: true }
    : {
        command: process.execPath,
        args: [...nodeOptions, '--import', 'tsx', entry],
        compiled: false,
      };
}
