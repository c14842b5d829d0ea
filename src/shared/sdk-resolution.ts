/**
 * One copy of the SDK per thread. A connector installed on `plugin.path` as its own npm package
 * depends (peer-depends) on `connectd` for `connectd/sdk`, and npm may give it its own copy in its
 * node_modules. Classes from two copies are different classes: the host's `instanceof SourceTask`,
 * `instanceof ConfigException`, `instanceof Struct` (converters, transforms) would all be false for
 * the plugin's objects. Before the first plugin-path module is imported, this registers
 * `sdk-resolve-hook.js`, which sends every plugin's `connectd/…` import to the host's package.
 *
 * Registered only when there are plugin-path modules to load: Node 20 starts a hooks thread per
 * thread that registers hooks (measured ~0.4 s per worker thread on the loaded 2-core dev
 * machine), and every later import goes through it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SdkHookData } from './sdk-resolve-hook.js';

/** connectd's package.json: this file is dist/src/shared/sdk-resolution.js of the package. */
const HOST_PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

let registered = false;

/** Registers the hook in this thread, once. A no-op where connectd is not laid out as its package. */
export function useHostSdk(): void {
  if (registered) return;
  registered = true;
  if (!isConnectdPackage(fileURLToPath(HOST_PACKAGE_JSON))) return;
  const data: SdkHookData = { hostPackageJson: HOST_PACKAGE_JSON.href };
  register('./sdk-resolve-hook.js', import.meta.url, { data });
}

function isConnectdPackage(file: string): boolean {
  if (!existsSync(file)) return false;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; exports?: unknown };
  return pkg.name === 'connectd' && typeof pkg.exports === 'object' && pkg.exports !== null;
}
