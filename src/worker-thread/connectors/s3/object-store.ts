/**
 * What the S3 source needs from a bucket, so the same task code reads S3 (and S3-compatible
 * servers) and a local directory (`file://` buckets): list keys in order, and read an object from
 * a byte position when it is still the version the offset was taken from.
 */

export interface ObjectSummary {
  readonly key: string;
  /** The object's entity tag as the store gives it (S3: quoted hex; local files: a weak tag). */
  readonly etag: string;
  readonly size: number;
}

export interface ListRequest {
  readonly prefix: string;
  /** Only keys after this one (S3's StartAfter): how a reader moves on without re-listing. */
  readonly startAfter?: string | undefined;
  /**
   * With a delimiter, keys with the delimiter after the prefix are not listed: they are rolled up
   * into `prefixes` (S3's CommonPrefixes), each once.
   */
  readonly delimiter?: string | undefined;
  readonly continuationToken?: string | undefined;
  readonly maxKeys?: number | undefined;
}

export interface ListPage {
  /** In key order (UTF-8 byte order, as S3 sorts). */
  readonly objects: readonly ObjectSummary[];
  readonly prefixes: readonly string[];
  /** Set when there is more: pass it back as `continuationToken`. */
  readonly nextContinuationToken?: string | undefined;
}

export interface OpenRequest {
  /** Fail with 'changed' unless the object still has this entity tag. */
  readonly ifMatch?: string | undefined;
  /** Ask for the object from this byte on (an HTTP Range request); 0 or absent: from the start. */
  readonly fromByte?: number | undefined;
}

export interface OpenedObject {
  readonly etag: string;
  /**
   * The byte position of the body's first byte: `fromByte` when the store served the range, 0
   * when it ignored it and sent the whole object (the reader then skips up to `fromByte` itself).
   */
  readonly start: number;
  readonly body: AsyncIterable<Uint8Array>;
  /** Stops the download (the reader moves on before the end, or the task stops). */
  destroy(): void;
}

/** 'missing': no such key (deleted since it was listed); 'changed': another version than `ifMatch`. */
export type OpenResult = OpenedObject | 'missing' | 'changed';

export interface ObjectStore {
  /** Names the bucket in error messages: `s3://bucket` or `file:///dir`. */
  readonly description: string;
  list(request: ListRequest): Promise<ListPage>;
  open(key: string, request?: OpenRequest): Promise<OpenResult>;
  close(): void;
}

/** Every page of a listing, following continuation tokens. */
export async function* listAll(store: ObjectStore, request: Omit<ListRequest, 'continuationToken'>): AsyncGenerator<ListPage> {
  let continuationToken: string | undefined;
  do {
    const page = await store.list({ ...request, continuationToken });
    yield page;
    continuationToken = page.nextContinuationToken;
  } while (continuationToken !== undefined);
}

/** S3's key order: by UTF-8 bytes (JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
