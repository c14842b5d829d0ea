/**
 * Makes the broker's class-data-sharing archive (see `kafkaCdsArchive` in cluster.ts): boots one
 * broker with -XX:ArchiveClassesAtExit, waits until it serves a produce (the fixture's readiness
 * probe), stops it gracefully so the JVM writes the archive as it exits, and moves the archive into
 * place. tools/bootstrap.sh runs it once per Kafka version; `--force` makes it again.
 *
 *   node dist/tools/kafka/cds.js [--force]
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { KafkaCluster, kafkaCdsArchive } from './cluster.js';

async function main(): Promise<number> {
  const archive = kafkaCdsArchive();
  if (existsSync(archive) && !process.argv.includes('--force')) {
    console.log(`kafka cds: ${archive} exists`);
    return 0;
  }
  const tmp = `${archive}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const started = Date.now();
  const cluster = await KafkaCluster.start({ jvmArgs: [`-XX:ArchiveClassesAtExit=${tmp}`] });
  // Graceful (SIGTERM, then the JVM exits normally): a killed JVM writes no archive.
  await cluster.stop({ keepData: true });
  rmSync(cluster.dataDir, { recursive: true, force: true });
  if (!existsSync(tmp)) {
    console.error(`kafka cds: the broker exited without writing ${tmp}; brokers will boot without an archive`);
    return 1;
  }
  renameSync(tmp, archive);
  console.log(
    `kafka cds: ${archive} (${Math.round(statSync(archive).size / 1048576)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

process.exitCode = await main();
