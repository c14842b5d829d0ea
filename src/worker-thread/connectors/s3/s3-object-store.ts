/**
 * The ObjectStore of an S3 bucket (AWS, or any S3-compatible server) through @aws-sdk/client-s3.
 *
 * The SDK is imported when a store is created, not when this module loads: every worker thread
 * loads every built-in connector module to find plugins, and should not pay for the SDK unless an
 * S3 connector runs there.
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ListPage, ListRequest, ObjectStore, OpenRequest, OpenResult } from './object-store.js';

export interface S3StoreSettings {
  readonly bucket: string;
  /** Empty: AWS's own endpoint for the region. */
  readonly endpoint: string;
  readonly region: string;
  readonly pathStyle: boolean;
  /** Empty: the SDK's default credential chain (environment, shared files, instance role). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

type Sdk = typeof import('@aws-sdk/client-s3');

interface ServiceError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(err: unknown): number | undefined {
  return (err as ServiceError | null)?.$metadata?.httpStatusCode;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly #bucket: string;
  readonly #client: S3Client;
  readonly #sdk: Sdk;

  private constructor(sdk: Sdk, client: S3Client, bucket: string) {
    this.#sdk = sdk;
    this.#client = client;
    this.#bucket = bucket;
    this.description = `s3://${bucket}`;
  }

  static async create(settings: S3StoreSettings): Promise<S3ObjectStore> {
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      region: settings.region,
      ...(settings.endpoint === '' ? {} : { endpoint: settings.endpoint }),
      forcePathStyle: settings.pathStyle,
      ...(settings.accessKeyId === ''
        ? {}
        : {
            credentials: {
              accessKeyId: settings.accessKeyId,
              secretAccessKey: settings.secretAccessKey,
              ...(settings.sessionToken === '' ? {} : { sessionToken: settings.sessionToken }),
            },
          }),
      // The source only reads. Flexible checksums on requests (aws-chunked uploads with trailers)
      // and on responses are the SDK's newer defaults that many S3-compatible servers reject or
      // do not send; a ranged GET cannot be checked whole anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new S3ObjectStore(sdk, client, settings.bucket);
  }

  async list(request: ListRequest): Promise<ListPage> {
    const out = await this.#client.send(
      new this.#sdk.ListObjectsV2Command({
        Bucket: this.#bucket,
        Prefix: request.prefix,
        ...(request.startAfter === undefined ? {} : { StartAfter: request.startAfter }),
        ...(request.delimiter === undefined || request.delimiter === '' ? {} : { Delimiter: request.delimiter }),
        ...(request.continuationToken === undefined ? {} : { ContinuationToken: request.continuationToken }),
        ...(request.maxKeys === undefined ? {} : { MaxKeys: request.maxKeys }),
      }),
    );
    return {
      objects: (out.Contents ?? []).map((o) => ({ key: o.Key ?? '', etag: o.ETag ?? '', size: Number(o.Size ?? 0) })),
      prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => p !== ''),
      nextContinuationToken: out.IsTruncated === true ? out.NextContinuationToken : undefined,
    };
  }

  async open(key: string, request: OpenRequest = {}): Promise<OpenResult> {
    const fromByte = request.fromByte ?? 0;
    let out;
    try {
      out = await this.#client.send(
        new this.#sdk.GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(request.ifMatch === undefined ? {} : { IfMatch: request.ifMatch }),
          ...(fromByte > 0 ? { Range: `bytes=${fromByte}-` } : {}),
        }),
      );
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return 'missing';
      if (status === 412) return 'changed';
      // 416: the range starts at or past the end, i.e. everything was read already. S3 checks
      // If-Match before the range, so the object is still the version asked for.
      if (status === 416 && request.ifMatch !== undefined)
        return { etag: request.ifMatch, start: fromByte, body: emptyBody(), destroy: () => undefined };
      throw err;
    }
    const body = out.Body as Readable | undefined;
    const range = /^bytes (\d+)-/.exec(out.ContentRange ?? '');
    return {
      etag: out.ETag ?? request.ifMatch ?? '',
      start: range === null ? 0 : Number(range[1]),
      body: body ?? emptyBody(),
      destroy: () => body?.destroy(),
    };
  }

  close(): void {
    this.#client.destroy();
  }
}
