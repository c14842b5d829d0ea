/**
 * Module resolution hooks (node:module `register`) that make every plugin use the host's copy of
 * connectd's SDK: a bare `connectd` or `connectd/…` import resolves as if it were written in
 * connectd's own package (a package self-reference), whatever copy sits in the plugin's
 * node_modules. Kafka Connect does the same with classes: its plugin class loaders always
 * delegate `org.apache.kafka.connect.*` (connect-api) to the runtime's.
 *
 * Runs on Node's hooks thread, not on the thread that registered it: it imports nothing of connectd.
 * Design and what was measured: docs/design/2026-12-07-sdk-package.md.
 */

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
type NextResolve = (specifier: string, context?: ResolveContext) => unknown;

export interface SdkHookData {
  /** file: URL of connectd's package.json (the host's). */
  hostPackageJson: string;
}

let hostPackageJson: string | undefined;

export function initialize(data: SdkHookData): void {
  hostPackageJson = data.hostPackageJson;
}

export function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): unknown {
  if (hostPackageJson !== undefined && (specifier === 'connectd' || specifier.startsWith('connectd/'))) {
    return nextResolve(specifier, { ...context, parentURL: hostPackageJson });
  }
  return nextResolve(specifier, context);
}
