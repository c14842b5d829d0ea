/**
 * The .proto files a schema written by Confluent's ProtobufData may import without registering them
 * as references: Schema Registry knows them (Confluent's ProtobufSchema calls them "known
 * dependencies"). protobufjs ships google/protobuf/*; the others are here, as Confluent and Google
 * publish them (field numbers and types are what matter on the wire).
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';

const CONFLUENT_META = `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`;

const CONFLUENT_DECIMAL = `syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
`;

const GOOGLE_DATE = `syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
`;

const GOOGLE_TIME_OF_DAY = `syntax = "proto3";
package google.type;
message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
`;

const SOURCES: Readonly<Record<string, string>> = {
  'confluent/meta.proto': CONFLUENT_META,
  'confluent/type/decimal.proto': CONFLUENT_DECIMAL,
  'google/type/date.proto': GOOGLE_DATE,
  'google/type/timeofday.proto': GOOGLE_TIME_OF_DAY,
};

/** True when `file` is an import the registry resolves by itself. */
export function isKnownProto(file: string): boolean {
  return file in SOURCES || protobufjs().common.get(file) !== null || file === 'google/protobuf/descriptor.proto';
}

/** Adds `file` (and what it imports) to `root`; false when the file is not a known one. */
export function addKnownProto(root: protobuf.Root, file: string, added: Set<string>): boolean {
  if (added.has(file)) return true;
  const source = SOURCES[file];
  if (source !== undefined) {
    added.add(file);
    const parsed = protobufjs().parse(source, root, { keepCase: true });
    for (const dep of parsed.imports ?? []) addKnownProto(root, dep, added);
    return true;
  }
  const common = protobufjs().common.get(file);
  if (common !== null) {
    added.add(file);
    root.addJSON(common.nested!);
    return true;
  }
  if (file === 'google/protobuf/descriptor.proto') {
    // Only the options messages the extensions above extend; their content never matters here.
    added.add(file);
    protobufjs().parse(
      'syntax = "proto2"; package google.protobuf; message FileOptions { extensions 1000 to max; } message MessageOptions { extensions 1000 to max; } message FieldOptions { extensions 1000 to max; } message EnumOptions { extensions 1000 to max; } message EnumValueOptions { extensions 1000 to max; }',
      root,
      { keepCase: true },
    );
    return true;
  }
  return false;
}
