/**
 * The REST server's request guards (issue 14): basic auth does the same work for an unknown user
 * as for a wrong password, and takes the scheme in any case; cross-site state changes are refused.
 */
import t from 'tap';
import { BasicAuthenticator, crossSiteRefusal } from '../../../src/main-thread/rest/request-guards.js';

const basic = (text: string, scheme = 'Basic', gap = ' '): string => `${scheme}${gap}${Buffer.from(text).toString('base64')}`;

t.test(
  'every attempt makes exactly one comparison of equal-length digests: unknown user, wrong password, no colon, right password',
  async (t) => {
    const compared: [number, number][] = [];
    const auth = new BasicAuthenticator(
      new Map([
        ['admin', 's3cret'],
        ['longer', 'a much longer password than the other one'],
      ]),
      (given, expected) => {
        compared.push([given.length, expected.length]);
        return given.equals(expected);
      },
    );
    const attempts: [string, boolean][] = [
      [basic('nobody:s3cret'), false],
      [basic('admin:wrong'), false],
      [basic('admin'), false],
      [basic('longer:x'), false],
      [basic('admin:s3cret'), true],
    ];
    for (const [header, expected] of attempts) {
      compared.length = 0;
      t.equal(auth.authenticate(header), expected, Buffer.from(header.slice(6), 'base64').toString());
      t.same(compared, [[32, 32]], `${Buffer.from(header.slice(6), 'base64').toString()}: one comparison of two SHA-256 digests`);
    }
  },
);

t.test('the scheme is case-insensitive (RFC 7617) and spaces before the token are tolerated (RFC 7235)', async (t) => {
  const auth = new BasicAuthenticator(new Map([['admin', 's3cret']]));
  for (const scheme of ['Basic', 'basic', 'BASIC', 'bAsIc']) t.ok(auth.authenticate(basic('admin:s3cret', scheme)), scheme);
  t.ok(auth.authenticate(basic('admin:s3cret', 'Basic', '   ')), 'several spaces');
  t.ok(auth.authenticate(` ${basic('admin:s3cret')}  `), 'surrounding whitespace');
  t.notOk(auth.authenticate(basic('admin:s3cret', 'Bearer')), 'another scheme');
  t.notOk(auth.authenticate(basic('admin:s3cret', 'Basic', '')), 'no space');
  t.notOk(auth.authenticate(undefined));
  t.ok(new BasicAuthenticator(new Map([['a', 'p:w:é']])).authenticate(basic('a:p:w:é')), 'colons and UTF-8 in the password');
});

t.test('cross-site refusals: browser-only signals on state-changing methods; Kafka Connect clients pass', async (t) => {
  const host = '127.0.0.1:8083';
  const refused = (method: string, headers: Record<string, string>) => crossSiteRefusal(method, { host, ...headers })?.status;
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'Multipart/Form-Data; boundary=x'])
      t.equal(refused(method, { 'content-type': type }), 415, `${method} ${type}`);
    t.equal(refused(method, { origin: 'https://evil.example' }), 403, `${method} from another origin`);
    t.equal(refused(method, { origin: 'null' }), 403, `${method} Origin: null`);
    t.equal(refused(method, { origin: 'http://127.0.0.1:8084' }), 403, `${method} another port`);
    t.equal(refused(method, { 'sec-fetch-site': 'cross-site' }), 403, `${method} Sec-Fetch-Site: cross-site`);
    t.equal(refused(method, {}), undefined, `${method} without content type (curl, Kafka Connect clients)`);
    t.equal(refused(method, { 'content-type': 'application/json' }), undefined, `${method} application/json`);
    t.equal(
      refused(method, { 'content-type': 'application/json', origin: 'http://127.0.0.1:8083' }),
      undefined,
      `${method} from this server's own origin`,
    );
    t.equal(refused(method, { 'sec-fetch-site': 'same-origin' }), undefined, `${method} Sec-Fetch-Site: same-origin`);
  }
  t.equal(crossSiteRefusal('POST', { host: 'connect.example:80', origin: 'http://CONNECT.example' }), undefined, 'default port and case');
  t.equal(
    refused('GET', { 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    undefined,
    'reads are not refused',
  );
});
