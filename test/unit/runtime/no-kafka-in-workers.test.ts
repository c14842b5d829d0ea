/**
 * The Kafka binding is not safe in worker threads. Static check on the compiled code: nothing a
 * worker thread loads (the task host, the SDK, the bundled connectors) may reach
 * '@confluentinc/kafka-javascript' or dist/src/main-thread/kafka/ through static imports or literal import().
 * Connector plugins loaded at run time by URL are outside what a static walk can see.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import ts from 'typescript';

const DIST = path.resolve(import.meta.dirname, '../../..');
const KAFKA_PACKAGE = '@confluentinc/kafka-javascript';
const KAFKA_DIR = path.join(DIST, 'src', 'main-thread', 'kafka') + path.sep;

/**
 * Module specifiers written as string literals in `import … from`, `export … from`, bare
 * `import '…'`, `import('…')` and `require('…')`. TypeScript's pre-processor does the lexing, so
 * text inside comments and strings is never mistaken for an import.
 */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

interface Graph {
  /** Every local module reached, absolute path → the module that first imported it (null for a root). */
  readonly modules: Map<string, string | null>;
  /** Every non-relative specifier reached (packages, node: builtins) → the module importing it. */
  readonly packages: Map<string, string>;
}

function walk(roots: readonly string[]): Graph {
  const modules = new Map<string, string | null>();
  const packages = new Map<string, string>();
  const queue: string[] = [];
  for (const root of roots) {
    if (!modules.has(root)) {
      modules.set(root, null);
      queue.push(root);
    }
  }
  while (queue.length > 0) {
    const file = queue.shift()!;
    const source = readFileSync(file, 'utf8');
    for (const spec of specifiersOf(source)) {
      let target: string;
      if (spec.startsWith('./') || spec.startsWith('../')) target = path.resolve(path.dirname(file), spec);
      else if (spec.startsWith('file:')) target = new URL(spec).pathname;
      else if (spec.startsWith('/')) target = spec;
      else {
        if (!packages.has(spec)) packages.set(spec, file);
        continue;
      }
      if (!existsSync(target)) throw new Error(`${path.relative(DIST, file)} imports ${spec}, which does not exist (${target})`);
      if (!modules.has(target)) {
        modules.set(target, file);
        queue.push(target);
      }
    }
  }
  return { modules, packages };
}

/** The import chain from a root to `file`, for failure messages. */
function chain(graph: Graph, file: string): string {
  const steps: string[] = [];
  for (let at: string | null | undefined = file; at != null; at = graph.modules.get(at)) steps.unshift(path.relative(DIST, at));
  return steps.join(' → ');
}

function jsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

function kafkaReach(graph: Graph): string[] {
  const found: string[] = [];
  for (const file of graph.modules.keys()) if (file.startsWith(KAFKA_DIR)) found.push(chain(graph, file));
  for (const [spec, importer] of graph.packages) {
    if (spec === KAFKA_PACKAGE || spec.startsWith(`${KAFKA_PACKAGE}/`)) found.push(`${chain(graph, importer)} → ${spec}`);
  }
  return found;
}

t.test('the specifier scanner', async (t) => {
  const source = `
    // import fake from 'in-a-line-comment';
    /* export * from 'in-a-block-comment'; */
    const s = "import x from 'in-a-string'";
    import a from './a.js';
    import { b } from "../b.js";
    import './side-effect.js';
    export * from './star.js';
    export { c } from './named.js';
    const lazy = await import('./lazy.js');
    const url = new URL('./not-an-import.js', import.meta.url);
    import os from 'node:os';
  `;
  t.same(specifiersOf(source).sort(), ['../b.js', './a.js', './lazy.js', './named.js', './side-effect.js', './star.js', 'node:os'].sort());
});

const taskHost = path.join(DIST, 'workers', 'task-host.js');
if (!existsSync(taskHost)) throw new Error(`${taskHost} is missing: build first (npx tsc -p tsconfig.json)`);

t.test('worker-thread code never reaches the Kafka binding', async (t) => {
  const roots = [
    taskHost,
    ...jsFilesUnder(path.join(DIST, 'src', 'worker-thread', 'connectors')),
    ...jsFilesUnder(path.join(DIST, 'src', 'worker-thread', 'sdk')),
  ];
  t.ok(
    roots.some((r) => r.endsWith(path.join('src', 'worker-thread', 'connectors', 'generator', 'generator-source-connector.js'))),
    'the bundled connector is a root',
  );
  t.ok(
    roots.some((r) => r.endsWith(path.join('src', 'worker-thread', 'sdk', 'index.js'))),
    'the SDK is a root',
  );
  const graph = walk(roots);

  // Not vacuous: the walk follows imports well beyond its roots.
  for (const expected of [
    'src/shared/record-batch.js',
    'src/worker-thread/data/converters.js',
    'src/shared/protocol.js',
    'src/shared/plugins.js',
    'src/worker-thread/sdk/config-def.js',
  ]) {
    t.ok(graph.modules.has(path.join(DIST, expected)), `reaches ${expected}`);
  }
  t.ok(graph.modules.size >= 10, `a reasonable number of modules (${graph.modules.size})`);
  t.ok(graph.modules.size > roots.length, 'more modules than roots');

  t.same(kafkaReach(graph), [], 'no path to the Kafka binding');
});

t.test('control: the same walk from the supervisor-side worker does reach the binding', async (t) => {
  const graph = walk([path.join(DIST, 'src', 'main-thread', 'runtime', 'worker.js')]);
  t.ok(
    graph.modules.has(path.join(DIST, 'src', 'main-thread', 'kafka', 'binding.js')),
    `reaches dist/src/main-thread/kafka/binding.js via ${chain(graph, path.join(DIST, 'src', 'main-thread', 'kafka', 'binding.js'))}`,
  );
  t.ok(graph.packages.has(KAFKA_PACKAGE), `reaches ${KAFKA_PACKAGE}`);
  t.not(kafkaReach(graph).length, 0, 'the check reports it');
});
