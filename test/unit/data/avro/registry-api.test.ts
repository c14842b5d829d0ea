/**
 * The registry the converter tests run against answers as Confluent's API reference documents:
 * each recorded example (test/fixtures/avro/registry-api.json) sent to the fake gives the same
 * status and a body of exactly the same members and types, and the same values where the example
 * fixes them (ids and versions start at 1, as in a fresh registry). And the converter's client
 * reads those answers: ids, versions, and error codes.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { SchemaRegistryClient } from '../../../../src/worker-thread/data/schema-registry/schema-registry-client.js';
import { CONTENT_TYPE, FakeSchemaRegistry } from '../../../fixtures/avro/fake-schema-registry.js';

interface Example {
  readonly name: string;
  readonly request: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly response: { readonly status: number; readonly body: Record<string, unknown> };
}
const api = JSON.parse(readFileSync(new URL('../../../../../test/fixtures/avro/registry-api.json', import.meta.url), 'utf8')) as {
  contentType: string;
  examples: Example[];
};

const shape = (body: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v]));

t.test('the fake registry answers each documented example with its status and body', async (t) => {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  t.equal(api.contentType, CONTENT_TYPE);
  for (const example of api.examples) {
    const response = await fetch(registry.url + example.request.path, {
      method: example.request.method,
      headers: example.request.body === undefined ? {} : { 'Content-Type': CONTENT_TYPE },
      body: example.request.body === undefined ? undefined : JSON.stringify(example.request.body),
    });
    const body = (await response.json()) as Record<string, unknown>;
    t.equal(response.status, example.response.status, `${example.name}: status`);
    t.equal(response.headers.get('content-type'), CONTENT_TYPE, `${example.name}: content type`);
    t.same(shape(body), shape(example.response.body), `${example.name}: the same members and types`);
    t.same(body, example.response.body, `${example.name}: the same answer`);
  }
});

t.test('the client reads those answers: ids, versions, schemas and error codes', async (t) => {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const client = new SchemaRegistryClient({ urls: [registry.url], userInfo: null, requestTimeoutMs: 5000 });
  t.equal(await client.register('test', '{"type": "string"}'), 1);
  t.equal(await client.register('other', '{"type": "string"}'), 1, 'one schema, one global id, whatever the subject');
  t.equal(await client.register('test', '{"type": "int"}'), 2);
  t.same(await client.lookUp('test', '{"type": "int"}'), { subject: 'test', id: 2, version: 2, schema: '{"type": "int"}' });
  t.same(await client.latestVersion('test'), { subject: 'test', id: 2, version: 2, schema: '{"type": "int"}' });
  t.equal(await client.schemaById(1), '{"type": "string"}');
  await t.rejects(client.schemaById(99), {
    name: 'SchemaRegistryException',
    status: 404,
    errorCode: 40403,
    message: /GET http:\/\/127\.0\.0\.1:\d+\/schemas\/ids\/99 answered 404: Schema 99 not found; error code: 40403/,
  });
  await t.rejects(client.lookUp('nope', '"int"'), { name: 'SchemaRegistryException', errorCode: 40401 });
  await t.rejects(client.register('test', '{"type": "nothing"}'), { name: 'SchemaRegistryException', status: 422, errorCode: 42201 });
  registry.injected.push({ status: 200, body: { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' } });
  await t.rejects(client.schemaById(3), { message: /Schema 3 is a "PROTOBUF" schema, not Avro/ });
  registry.injected.push({ status: 503, body: 'upstream down' });
  await t.rejects(client.register('test', '"int"'), { status: 503, errorCode: 503, message: /answered 503: "upstream down"/ });
  t.same(
    registry.requests.slice(0, 3).map((r) => [r.method, r.path, r.headers['content-type'], r.headers.accept]),
    [
      [
        'POST',
        '/subjects/test/versions',
        CONTENT_TYPE,
        'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5',
      ],
      [
        'POST',
        '/subjects/other/versions',
        CONTENT_TYPE,
        'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5',
      ],
      [
        'POST',
        '/subjects/test/versions',
        CONTENT_TYPE,
        'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5',
      ],
    ],
  );
  const encoded = await client.register('a/b c', '"long"');
  t.ok(encoded > 0 && registry.subjects().includes('a/b c'), 'subjects are URL-encoded in the path');
});
