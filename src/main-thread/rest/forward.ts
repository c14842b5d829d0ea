/**
 * A request forwarded to the worker that owns a connector (Kafka Connect's RestClient, used by
 * `ConnectorsResource` for `forward=true` calls). Over HTTPS it trusts the listener's truststore CAs
 * (a cluster's private CA) and presents the listener's own certificate, so that workers whose
 * listeners require client certificates can reach each other.
 */
import http from 'node:http';
import https from 'node:https';

export interface ForwardOptions {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  /** This worker's listener key, certificate and truststore; absent for an http listener. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer; readonly ca?: Buffer } | undefined;
}

export interface ForwardedResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

export function forward(target: URL, opts: ForwardOptions): Promise<ForwardedResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const options: https.RequestOptions = { method: opts.method, headers, timeout: opts.timeoutMs };
    // Without a truststore the system's CAs apply (Node's default), as for any HTTPS client.
    if (target.protocol === 'https:' && opts.tls !== undefined)
      Object.assign(options, { key: opts.tls.key, cert: opts.tls.cert, ...(opts.tls.ca === undefined ? {} : { ca: opts.tls.ca }) });
    const req = (target.protocol === 'https:' ? https : http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 500, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
