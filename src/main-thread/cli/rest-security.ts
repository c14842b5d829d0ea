/**
 * The REST API's HTTPS key and certificate and its basic-auth users, read from the files the
 * worker config names — before anything starts, so that a missing file, a key that does not
 * match its certificate or an empty user list is a configuration problem (exit 3), not a crash.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { WorkerConfig } from '../config/worker-config.js';
import { parseProperties } from '../config/properties.js';
import type { ThreadProblem } from '../../shared/protocol.js';

export interface RestSecurity {
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; clientAuthentication?: 'none' | 'requested' | 'required' };
  basicAuth?: ReadonlyMap<string, string>;
}

export async function loadRestSecurity(config: WorkerConfig): Promise<{ security: RestSecurity; problems: ThreadProblem[] }> {
  const security: RestSecurity = {};
  const problems: ThreadProblem[] = [];
  const read = async (key: string, file: string): Promise<Buffer | null> => {
    try {
      return await readFile(file);
    } catch (err) {
      problems.push({
        name: key,
        value: file,
        message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      });
      return null;
    }
  };

  const https = config.restHttps;
  if (https !== null) {
    const location = https.keystoreLocation;
    const file = location === null ? null : await read('listeners.https.ssl.keystore.location', location);
    const key = file ?? (https.keyPem === null ? null : Buffer.from(https.keyPem));
    const cert = file ?? (https.certificateChainPem === null ? null : Buffer.from(https.certificateChainPem));
    if (key !== null && cert !== null) {
      const name = location === null ? 'listeners.https.ssl.keystore.key' : 'listeners.https.ssl.keystore.location';
      try {
        // Parses both and checks that the key belongs to the certificate, as the server will.
        createSecureContext({ key, cert });
        security.tls = { key, cert, clientAuthentication: https.clientAuthentication };
      } catch (err) {
        problems.push({ name, value: location, message: `not a usable PEM private key and certificate chain: ${(err as Error).message}` });
      }
    }
    if (https.truststoreLocation !== null) {
      const ca = await read('listeners.https.ssl.truststore.location', https.truststoreLocation);
      if (ca !== null) {
        try {
          createSecureContext({ ca });
          if (!ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
          if (security.tls !== undefined) security.tls.ca = ca;
        } catch (err) {
          problems.push({
            name: 'listeners.https.ssl.truststore.location',
            value: https.truststoreLocation,
            message: `not usable PEM CA certificates: ${(err as Error).message}`,
          });
        }
      }
    }
  }

  const credentialsFile = config.restBasicAuthCredentialsFile;
  if (credentialsFile !== null) {
    const text = await read('rest.basic.auth.credentials.file', credentialsFile);
    if (text !== null) {
      const users = new Map(Object.entries(parseProperties(text.toString('utf8'))).filter(([user]) => user !== ''));
      if (users.size === 0)
        problems.push({
          name: 'rest.basic.auth.credentials.file',
          value: credentialsFile,
          message: 'no user=password lines: nobody could use the REST API',
        });
      else security.basicAuth = users;
    }
  }
  return { security, problems };
}
