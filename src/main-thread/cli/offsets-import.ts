/**
 * `connectd offsets import <kafka-connect-offsets-file> <connectd-offsets-file> [--force]`: moves a
 * standalone Kafka Connect worker's source offsets (its Java-serialized FileOffsetBackingStore file)
 * into connectd's standalone offsets file, so its source connectors resume where Kafka Connect
 * stopped: no record read again, none skipped. Distributed mode needs no import: connectd reads
 * Kafka Connect's offsets topic as it is.
 *
 * The offsets are written through FileOffsetBackingStore itself (temp file, fsync, rename), with
 * keys in the runtime's one text form (offsetKey + connectJson), so the daemon looks them up as if
 * it had committed them. A connectd file that already holds offsets is left alone unless --force:
 * then the imported offsets are merged into it (an imported partition replaces connectd's, the
 * others stay), as PATCH /connectors/{c}/offsets augments rather than replaces.
 */
import { readFile } from 'node:fs/promises';
import { FileOffsetBackingStore, OffsetsFileError } from '../storage/file-offset-backing-store.js';
import { KafkaConnectOffsetsFileError, kafkaConnectOffsets } from '../storage/kafka-connect-offsets-file.js';
import { connectJson, offsetKey } from '../../shared/offset-json.js';
import { EXIT_DATA_ERROR, EXIT_FAILURE, EXIT_OK } from './problems.js';

export interface OffsetsImport {
  from: string;
  to: string;
  force: boolean;
}

export async function runOffsetsImport({ from, to, force }: OffsetsImport): Promise<number> {
  let offsets;
  try {
    offsets = kafkaConnectOffsets(await readFile(from));
  } catch (err) {
    if (err instanceof KafkaConnectOffsetsFileError) return failed(`${from}: ${err.message}`, EXIT_DATA_ERROR);
    return failed(`${from}: cannot read it (${(err as Error).message})`, EXIT_DATA_ERROR);
  }
  const store = new FileOffsetBackingStore(to);
  try {
    await store.start();
  } catch (err) {
    if (err instanceof OffsetsFileError) return failed(`${to}: ${err.message}`, EXIT_DATA_ERROR);
    throw err;
  }
  const existing = [...store.entries()].length;
  if (existing > 0 && !force) {
    return failed(
      `${to} already holds ${existing} source offsets: not changed. Give --force to merge the imported offsets into it (an imported partition replaces connectd's offset for it)`,
      EXIT_FAILURE,
    );
  }
  const entries = new Map<string, string>();
  for (const o of offsets) entries.set(offsetKey(o.connector, connectJson(o.partition)), connectJson(o.offset));
  try {
    await store.set(entries);
  } catch (err) {
    return failed(`${to}: cannot write it (${(err as Error).message})`, EXIT_FAILURE);
  } finally {
    await store.stop().catch(() => undefined);
  }
  const connectors = new Set(offsets.map((o) => o.connector));
  const perConnector = [...connectors].map((c) => `${JSON.stringify(c)}: ${offsets.filter((o) => o.connector === c).length}`).join(', ');
  console.log(
    `connectd: imported ${entries.size} source partition offset${entries.size === 1 ? '' : 's'} of ${connectors.size} connector${connectors.size === 1 ? '' : 's'} from ${from} into ${to}${connectors.size > 0 ? ` (${perConnector})` : ''}${existing > 0 ? `, merged with the ${existing} it held` : ''}`,
  );
  return EXIT_OK;
}

function failed(message: string, code: number): number {
  process.stderr.write(`connectd offsets import: ${message}\n`);
  return code;
}
