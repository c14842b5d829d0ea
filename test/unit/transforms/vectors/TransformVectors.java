package dev.connectd.vectors;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.common.record.TimestampType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParsePosition;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * Test vectors for connectd's transforms from the real connect-transforms 4.1.1: each vector is a
 * transformation (or predicate) class, its config, an input record, and what Kafka made of it (the
 * record, described with Describe, and each header as the text SimpleHeaderConverter writes), or
 * the exception it threw. Also SimpleDateFormat's format and parse in UTC, Locale.US.
 *
 * Build and run: test/unit/transforms/vectors/generate.sh.
 */
public final class TransformVectors {
    private static final String T = "org.apache.kafka.connect.transforms.";
    private static final String P = "org.apache.kafka.connect.transforms.predicates.";
    private static final SimpleHeaderConverter HEADERS = new SimpleHeaderConverter();
    private static final long TS = 1_700_000_123_456L; // 2023-11-14T22:15:23.456Z

    private final ArrayNode vectors = Describe.F.arrayNode();

    private TransformVectors() {
    }

    public static void main(String[] args) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        Locale.setDefault(Locale.US);
        HEADERS.configure(Map.of());
        TransformVectors v = new TransformVectors();
        v.insertField();
        v.replaceField();
        v.maskField();
        v.valueToKey();
        v.extractField();
        v.hoistField();
        v.cast();
        v.flatten();
        v.routers();
        v.timestampConverter();
        v.headers();
        v.setSchemaMetadata();
        v.predicates();
        ObjectNode root = Describe.F.objectNode();
        root.set("transforms", v.vectors);
        root.set("simpleDateFormat", dateFormats());
        root.set("configDefs", configDefs());
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        Path out = Path.of(args[0]);
        Files.writeString(out, new ObjectMapper().writer(printer).writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + v.vectors.size() + " transform vectors to " + out);
    }

    // ---- records

    static SourceRecord source(String topic, Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SourceRecord(null, null, topic, 3, keySchema, key, valueSchema, value, TS, new ConnectHeaders().addString("h1", "one").addString("h2", "two"));
    }

    static SourceRecord value(Schema schema, Object value) {
        return source("orders", null, null, schema, value);
    }

    static SourceRecord key(Schema schema, Object key) {
        return source("orders", schema, key, null, null);
    }

    static SinkRecord sink(Schema schema, Object value) {
        return new SinkRecord("orders", 3, null, null, schema, value, 42L, TS, TimestampType.CREATE_TIME, new ConnectHeaders().addString("h1", "one"));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static Map<String, String> cfg(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static JsonNode describeRecord(ConnectRecord<?> r) {
        ObjectNode out = Describe.F.objectNode();
        out.put("kind", r instanceof SinkRecord ? "sink" : "source");
        out.put("topic", r.topic());
        if (r.kafkaPartition() == null) out.putNull("partition");
        else out.put("partition", r.kafkaPartition());
        if (r.timestamp() == null) out.putNull("timestamp");
        else out.put("timestamp", r.timestamp());
        if (r instanceof SinkRecord s) out.put("offset", s.kafkaOffset());
        out.set("keySchema", Describe.schema(r.keySchema()));
        out.set("key", Describe.value(r.key()));
        out.set("valueSchema", Describe.schema(r.valueSchema()));
        out.set("value", Describe.value(r.value()));
        ArrayNode headers = out.putArray("headers");
        for (Header h : r.headers()) {
            byte[] bytes = HEADERS.fromConnectHeader(r.topic(), h.key(), h.schema(), h.value());
            ObjectNode header = headers.addObject();
            header.put("key", h.key());
            if (bytes == null) header.putNull("text");
            else header.put("text", new String(bytes, StandardCharsets.UTF_8));
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void vector(String name, String className, Map<String, String> config, ConnectRecord<?> record) {
        ObjectNode v = vectors.addObject();
        v.put("name", name);
        v.put("class", className);
        ObjectNode c = v.putObject("config");
        config.forEach(c::put);
        v.set("record", describeRecord(record));
        try {
            Object plugin = Class.forName(className).getDeclaredConstructor().newInstance();
            if (plugin instanceof Predicate p) {
                p.configure(config);
                v.put("test", p.test(record));
            } else {
                Transformation t = (Transformation) plugin;
                t.configure(config);
                ConnectRecord<?> result = (ConnectRecord<?>) t.apply(record);
                if (result == null) v.putNull("result");
                else v.set("result", describeRecord(result));
            }
        } catch (Exception e) {
            v.set("error", Describe.error(e));
        }
    }

    // ---- transforms

    void insertField() {
        String iv = T + "InsertField$Value";
        Map<String, String> all = cfg("topic.field", "topic", "partition.field", "partition!", "timestamp.field", "ts?", "static.field", "origin", "static.value", "connectd");
        vector("InsertField schemaless", iv, all, value(null, map("id", 1, "name", "a")));
        Schema schema = SchemaBuilder.struct().name("row").version(2).doc("a row").field("id", Schema.INT32_SCHEMA)
            .field("note", SchemaBuilder.string().optional().defaultValue("none").build()).build();
        vector("InsertField schema", iv, all, value(schema, new Struct(schema).put("id", 1)));
        vector("InsertField schema keeps nulls without defaults", iv, cfg("topic.field", "topic", "replace.null.with.default", "false"), value(schema, new Struct(schema).put("id", 1)));
        vector("InsertField null value", iv, all, value(schema, null));
        vector("InsertField offset on a source record", iv, cfg("offset.field", "offset"), value(null, map("id", 1)));
        vector("InsertField offset on a sink record", iv, cfg("offset.field", "offset", "timestamp.field", "ts"), sink(null, map("id", 1)));
        vector("InsertField offset on a sink record with schema", iv, cfg("offset.field", "offset!"), sink(schema, new Struct(schema).put("id", 7)));
        vector("InsertField not a map", iv, all, value(null, "text"));
        vector("InsertField not a struct", iv, all, value(Schema.STRING_SCHEMA, "text"));
        vector("InsertField key", T + "InsertField$Key", cfg("topic.field", "t"), key(null, map("k", "v")));
    }

    void replaceField() {
        String rv = T + "ReplaceField$Value";
        Schema schema = SchemaBuilder.struct().name("row").field("a", Schema.INT32_SCHEMA).field("b", Schema.STRING_SCHEMA)
            .field("c", SchemaBuilder.int64().optional().defaultValue(5L).build()).build();
        Struct struct = new Struct(schema).put("a", 1).put("b", "x");
        vector("ReplaceField include", rv, cfg("include", "a,c"), value(schema, struct));
        vector("ReplaceField exclude wins", rv, cfg("include", "a,b", "exclude", "b"), value(schema, struct));
        vector("ReplaceField renames", rv, cfg("renames", "a:alpha,c:gamma"), value(schema, struct));
        vector("ReplaceField renames without defaults", rv, cfg("renames", "c:gamma", "replace.null.with.default", "false"), value(schema, struct));
        vector("ReplaceField schemaless", rv, cfg("exclude", "b", "renames", "a:alpha"), value(null, map("a", 1, "b", 2L, "c", "z")));
        vector("ReplaceField null", rv, cfg("exclude", "b"), value(null, null));
        vector("ReplaceField key", T + "ReplaceField$Key", cfg("include", "k"), key(null, map("k", 1, "j", 2)));
    }

    void maskField() {
        String mv = T + "MaskField$Value";
        Schema schema = SchemaBuilder.struct()
            .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA).field("i32", Schema.INT32_SCHEMA).field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA).field("bool", Schema.BOOLEAN_SCHEMA).field("str", Schema.STRING_SCHEMA)
            .field("dec", Decimal.schema(2)).field("date", Date.SCHEMA).field("ts", Timestamp.SCHEMA)
            .field("arr", SchemaBuilder.array(Schema.INT32_SCHEMA).build()).field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("opt", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct struct = new Struct(schema).put("i8", (byte) 8).put("i16", (short) 16).put("i32", 32).put("i64", 64L).put("f32", 3.5f).put("f64", 6.25)
            .put("bool", true).put("str", "secret").put("dec", new BigDecimal("12.34")).put("date", new java.util.Date(86_400_000L * 3))
            .put("ts", new java.util.Date(TS)).put("arr", List.of(1, 2)).put("map", Map.of("a", 1));
        vector("MaskField every type", mv, cfg("fields", "i8,i16,i32,i64,f32,f64,bool,str,dec,date,ts,arr,map,opt"), value(schema, struct));
        vector("MaskField numeric replacement", mv, cfg("fields", "i8,i16,i32,i64,f32,f64", "replacement", "1234.56"), value(schema, struct));
        vector("MaskField decimal replacement", mv, cfg("fields", "dec", "replacement", "-7.5"), value(schema, struct));
        vector("MaskField string replacement", mv, cfg("fields", "str", "replacement", "***"), value(schema, struct));
        vector("MaskField replacement for a boolean", mv, cfg("fields", "bool", "replacement", "x"), value(schema, struct));
        vector("MaskField replacement not a number", mv, cfg("fields", "i32", "replacement", "abc"), value(schema, struct));
        vector("MaskField decimal replacement not a number", mv, cfg("fields", "dec", "replacement", "abc"), value(schema, struct));
        Schema bytes = SchemaBuilder.struct().field("b", Schema.BYTES_SCHEMA).build();
        vector("MaskField bytes", mv, cfg("fields", "b"), value(bytes, new Struct(bytes).put("b", new byte[] {1, 2})));
        vector("MaskField schemaless", mv, cfg("fields", "i,l,d,s,b,list,m,dec,missing"),
            value(null, map("i", 5, "l", 6L, "d", 7.5, "s", "x", "b", true, "list", List.of("a"), "m", map("k", "v"), "dec", new BigDecimal("1.5"), "other", "kept")));
        vector("MaskField schemaless replacement", mv, cfg("fields", "i,l,s", "replacement", "99"), value(null, map("i", 5, "l", 6L, "s", "x")));
        vector("MaskField null value", mv, cfg("fields", "a"), value(null, null));
        vector("MaskField key", T + "MaskField$Key", cfg("fields", "k"), key(null, map("k", "secret", "j", 1)));
    }

    void valueToKey() {
        String vk = T + "ValueToKey";
        Schema schema = SchemaBuilder.struct().name("row").field("id", Schema.INT32_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("region", SchemaBuilder.string().optional().defaultValue("eu").build()).build();
        Struct struct = new Struct(schema).put("id", 1).put("name", "a");
        vector("ValueToKey schema", vk, cfg("fields", "region,id"), value(schema, struct));
        vector("ValueToKey schema without defaults", vk, cfg("fields", "region", "replace.null.with.default", "false"), value(schema, struct));
        vector("ValueToKey missing field", vk, cfg("fields", "nope"), value(schema, struct));
        vector("ValueToKey schemaless", vk, cfg("fields", "id,missing"), value(null, map("id", 1L, "name", "a")));
        vector("ValueToKey null value", vk, cfg("fields", "id"), value(null, null));
    }

    void extractField() {
        String ev = T + "ExtractField$Value";
        Schema inner = SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("address", SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).optional().build())
            .field("a.b", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct struct = new Struct(schema).put("id", 1).put("address", new Struct(schema.field("address").schema()).put("city", "Oslo")).put("a.b", "dotted");
        vector("ExtractField schema", ev, cfg("field", "id"), value(schema, struct));
        vector("ExtractField struct field", ev, cfg("field", "address"), value(schema, struct));
        vector("ExtractField nested V2", ev, cfg("field", "address.city", "field.syntax.version", "v2"), value(schema, struct));
        vector("ExtractField backticks V2", ev, cfg("field", "`a.b`", "field.syntax.version", "V2"), value(schema, struct));
        vector("ExtractField dotted name V1", ev, cfg("field", "a.b"), value(schema, struct));
        vector("ExtractField unknown field", ev, cfg("field", "nope"), value(schema, struct));
        vector("ExtractField null struct", ev, cfg("field", "id"), value(schema, null));
        vector("ExtractField schemaless", ev, cfg("field", "id"), value(null, map("id", 5L)));
        vector("ExtractField schemaless nested", ev, cfg("field", "a.b", "field.syntax.version", "V2"), value(null, map("a", map("b", "deep"))));
        vector("ExtractField schemaless missing", ev, cfg("field", "x"), value(null, map("id", 5L)));
        vector("ExtractField schemaless null", ev, cfg("field", "x"), value(null, null));
        vector("ExtractField not a map", ev, cfg("field", "x"), value(null, 5));
        vector("ExtractField key", T + "ExtractField$Key", cfg("field", "city"), key(inner, new Struct(inner).put("city", "Rome")));
    }

    void hoistField() {
        String hv = T + "HoistField$Value";
        vector("HoistField schema", hv, cfg("field", "wrapped"), value(Schema.INT64_SCHEMA, 42L));
        vector("HoistField schemaless", hv, cfg("field", "wrapped"), value(null, "x"));
        vector("HoistField schemaless null", hv, cfg("field", "wrapped"), value(null, null));
        vector("HoistField null with a required schema", hv, cfg("field", "wrapped"), value(Schema.STRING_SCHEMA, null));
        vector("HoistField key", T + "HoistField$Key", cfg("field", "k"), key(Schema.OPTIONAL_STRING_SCHEMA, "id-1"));
    }

    void cast() {
        String cv = T + "Cast$Value";
        Object[][] whole = {
            {Schema.INT32_SCHEMA, 300, "int8"}, {Schema.INT32_SCHEMA, -129, "int8"}, {Schema.INT32_SCHEMA, 70000, "int16"},
            {Schema.INT64_SCHEMA, 9_007_199_254_740_993L, "int32"}, {Schema.INT64_SCHEMA, 9_007_199_254_740_993L, "float32"},
            {Schema.INT64_SCHEMA, 9_007_199_254_740_993L, "float64"}, {Schema.INT64_SCHEMA, 9_007_199_254_740_993L, "string"},
            {Schema.FLOAT64_SCHEMA, 1e20, "int32"}, {Schema.FLOAT64_SCHEMA, 1e20, "int64"}, {Schema.FLOAT64_SCHEMA, -1.9, "int8"},
            {Schema.FLOAT64_SCHEMA, 3e9, "int8"}, {Schema.FLOAT64_SCHEMA, Double.NaN, "int32"}, {Schema.FLOAT64_SCHEMA, 0.1, "float32"},
            {Schema.FLOAT64_SCHEMA, 2.0, "string"}, {Schema.FLOAT32_SCHEMA, 0.1f, "float64"}, {Schema.FLOAT32_SCHEMA, 0.1f, "string"},
            {Schema.FLOAT64_SCHEMA, 0.5, "boolean"}, {Schema.INT8_SCHEMA, (byte) -1, "boolean"}, {Schema.BOOLEAN_SCHEMA, true, "int16"},
            {Schema.BOOLEAN_SCHEMA, false, "float32"}, {Schema.BOOLEAN_SCHEMA, true, "string"},
            {Schema.STRING_SCHEMA, "42", "int8"}, {Schema.STRING_SCHEMA, "+42", "int32"}, {Schema.STRING_SCHEMA, "128", "int8"},
            {Schema.STRING_SCHEMA, "1.5", "int32"}, {Schema.STRING_SCHEMA, " 1.5 ", "float32"}, {Schema.STRING_SCHEMA, "1e40", "float32"},
            {Schema.STRING_SCHEMA, "0x1p3", "float64"}, {Schema.STRING_SCHEMA, "2.5d", "float64"}, {Schema.STRING_SCHEMA, "TRUE", "boolean"},
            {Schema.STRING_SCHEMA, "yes", "boolean"}, {Schema.STRING_SCHEMA, "abc", "int64"}, {Schema.STRING_SCHEMA, "9223372036854775807", "int64"},
            {Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}, "string"}, {Schema.BYTES_SCHEMA, new byte[] {1}, "int32"},
            {Decimal.schema(2), new BigDecimal("300.99"), "int8"}, {Decimal.schema(2), new BigDecimal("-2.75"), "int64"},
            {Decimal.schema(2), new BigDecimal("1.10"), "float32"}, {Decimal.schema(2), new BigDecimal("1.10"), "string"},
            {Timestamp.SCHEMA, new java.util.Date(TS), "int64"}, {Timestamp.SCHEMA, new java.util.Date(TS), "int32"},
            {Timestamp.SCHEMA, new java.util.Date(TS), "string"}, {Date.SCHEMA, new java.util.Date(86_400_000L * 10), "int32"},
            {Date.SCHEMA, new java.util.Date(86_400_000L * 10), "string"}, {Time.SCHEMA, new java.util.Date(3_723_004L), "int64"},
            {Time.SCHEMA, new java.util.Date(3_723_004L), "string"},
            {SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1), "string"},
            {SchemaBuilder.int32().optional().defaultValue(7).build(), 5, "string"},
            {SchemaBuilder.int32().name("my.Int").version(3).doc("named").build(), 5, "int64"},
        };
        for (Object[] c : whole) {
            Schema schema = (Schema) c[0];
            vector("Cast " + schema.type() + (schema.name() != null ? "(" + schema.name() + ")" : "") + " " + Describe.value(c[1]) + " to " + c[2], cv, cfg("spec", (String) c[2]), value(schema, c[1]));
        }
        Object[][] schemaless = {{5, "int64"}, {5L, "int8"}, {2.5, "int32"}, {2.5, "string"}, {"12", "int16"}, {true, "int64"}, {new BigDecimal("1"), "int32"},
            {new java.util.Date(0), "int64"}, {List.of(1), "string"}};
        for (Object[] c : schemaless) vector("Cast schemaless " + Describe.value(c[0]) + " to " + c[1], cv, cfg("spec", (String) c[1]), value(null, c[0]));
        Schema schema = SchemaBuilder.struct().name("row").field("a", Schema.INT32_SCHEMA).field("b", SchemaBuilder.float64().optional().defaultValue(2.5).build())
            .field("c", Schema.STRING_SCHEMA).field("d", Schema.OPTIONAL_BOOLEAN_SCHEMA).build();
        Struct struct = new Struct(schema).put("a", 300).put("c", "77");
        vector("Cast fields", cv, cfg("spec", "a:int8, b:string ,c:int64,d:string"), value(schema, struct));
        vector("Cast fields without defaults", cv, cfg("spec", "b:int32", "replace.null.with.default", "false"), value(schema, struct));
        vector("Cast fields schemaless", cv, cfg("spec", "a:string,b:float32,missing:int8"), value(null, map("a", 1, "b", 2L, "c", "kept")));
        vector("Cast fields not a struct", cv, cfg("spec", "a:string"), value(Schema.STRING_SCHEMA, "x"));
        vector("Cast null", cv, cfg("spec", "int8"), value(Schema.OPTIONAL_INT32_SCHEMA, null));
        vector("Cast key", T + "Cast$Key", cfg("spec", "string"), key(Schema.INT32_SCHEMA, 9));
    }

    void flatten() {
        String fv = T + "Flatten$Value";
        Schema leaf = SchemaBuilder.struct().optional().field("x", Schema.INT32_SCHEMA).field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();
        Schema mid = SchemaBuilder.struct().field("leaf", leaf).field("y", SchemaBuilder.string().defaultValue("dy").build()).build();
        Schema top = SchemaBuilder.struct().name("top").version(1).field("id", Schema.INT64_SCHEMA).field("mid", mid).build();
        Struct value = new Struct(top).put("id", 1L).put("mid", new Struct(mid).put("leaf", new Struct(leaf).put("x", 5).put("tags", List.of("a"))).put("y", "why"));
        vector("Flatten schema", fv, cfg(), value(top, value));
        vector("Flatten delimiter", fv, cfg("delimiter", "_"), value(top, value));
        Struct nullLeaf = new Struct(top).put("id", 2L).put("mid", new Struct(mid).put("y", "why"));
        vector("Flatten optional parent", fv, cfg(), value(top, nullLeaf));
        Schema withMap = SchemaBuilder.struct().field("m", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build()).build();
        vector("Flatten map field with schema", fv, cfg(), value(withMap, new Struct(withMap).put("m", Map.of())));
        vector("Flatten schemaless", fv, cfg(), value(null, map("a", 1, "b", map("c", "x", "d", map("e", 2L)), "list", List.of(1), "n", null)));
        vector("Flatten schemaless date inside", fv, cfg(), value(null, map("d", new java.util.Date(0))));
        vector("Flatten null", fv, cfg(), value(top, null));
        vector("Flatten key", T + "Flatten$Key", cfg(), key(null, map("a", map("b", 1))));
    }

    void routers() {
        String tr = T + "TimestampRouter";
        vector("TimestampRouter default", tr, cfg(), value(null, "x"));
        vector("TimestampRouter formats", tr, cfg("topic.format", "${timestamp}_${topic}_${topic}$1", "timestamp.format", "yyyy-MM-dd'T'HH.mm.ss.SSS EEE MMM"), value(null, "x"));
        vector("TimestampRouter no timestamp", tr, cfg(), new SourceRecord(null, null, "t", null, null, "x"));
        String rr = T + "RegexRouter";
        vector("RegexRouter groups", rr, cfg("regex", "(.*)-(\\d+)", "replacement", "$2_$1"), value(null, "x"));
        vector("RegexRouter no match", rr, cfg("regex", "orders-.*", "replacement", "x"), value(null, "x"));
        vector("RegexRouter replaceFirst after matches", rr, cfg("regex", ".*?", "replacement", "pre-"), value(null, "x"));
        vector("RegexRouter named group and escapes", rr, cfg("regex", "(?<word>[a-z]+)", "replacement", "\\$${word}\\\\$0"), value(null, "x"));
        vector("RegexRouter group beyond 9", rr, cfg("regex", "(o)(r)(d)(e)(r)(s)", "replacement", "$12"), value(null, "x"));
        vector("RegexRouter quoting and classes", rr, cfg("regex", "\\Qord\\E[\\w\\-]*\\z", "replacement", "q"), value(null, "x"));
        vector("Filter", T + "Filter", cfg(), value(null, "x"));
    }

    void timestampConverter() {
        String tv = T + "TimestampConverter$Value";
        java.util.Date date = new java.util.Date(TS);
        vector("TimestampConverter Timestamp to string", tv, cfg("target.type", "string", "format", "yyyy-MM-dd HH:mm:ss.SSS"), value(Timestamp.SCHEMA, date));
        vector("TimestampConverter Timestamp to unix", tv, cfg("target.type", "unix"), value(Timestamp.SCHEMA, date));
        for (String p : List.of("seconds", "microseconds", "nanoseconds")) {
            vector("TimestampConverter Timestamp to unix " + p, tv, cfg("target.type", "unix", "unix.precision", p), value(Timestamp.SCHEMA, date));
            vector("TimestampConverter unix " + p + " to Timestamp", tv, cfg("target.type", "Timestamp", "unix.precision", p), value(Schema.INT64_SCHEMA, -1_700_000_123_456_789L));
        }
        vector("TimestampConverter Timestamp to Date", tv, cfg("target.type", "Date"), value(Timestamp.SCHEMA, date));
        vector("TimestampConverter Timestamp to Time", tv, cfg("target.type", "Time"), value(Timestamp.SCHEMA, date));
        vector("TimestampConverter negative to Date", tv, cfg("target.type", "Date"), value(Schema.INT64_SCHEMA, -1L));
        vector("TimestampConverter negative to Time", tv, cfg("target.type", "Time"), value(Schema.INT64_SCHEMA, -1L));
        vector("TimestampConverter string to Timestamp", tv, cfg("target.type", "Timestamp", "format", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), value(Schema.STRING_SCHEMA, "2024-02-29T13:14:15.678+02:00"));
        vector("TimestampConverter string to unix", tv, cfg("target.type", "unix", "format", "dd/MM/yyyy"), value(Schema.STRING_SCHEMA, "31/12/1999 trailing"));
        vector("TimestampConverter lenient string", tv, cfg("target.type", "unix", "format", "yyyy-MM-dd"), value(Schema.STRING_SCHEMA, "2024-13-32"));
        vector("TimestampConverter unparseable string", tv, cfg("target.type", "unix", "format", "yyyy-MM-dd"), value(Schema.STRING_SCHEMA, "Jan 1"));
        vector("TimestampConverter optional whole value", tv, cfg("target.type", "string", "format", "yyyy"), value(Timestamp.builder().optional().build(), null));
        vector("TimestampConverter unknown schema", tv, cfg("target.type", "string", "format", "yyyy"), value(Schema.INT32_SCHEMA, 5));
        Schema schema = SchemaBuilder.struct().name("ev").field("id", Schema.INT32_SCHEMA).field("at", Schema.INT64_SCHEMA).field("opt", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct struct = new Struct(schema).put("id", 1).put("at", TS);
        vector("TimestampConverter field", tv, cfg("field", "at", "target.type", "Timestamp"), value(schema, struct));
        vector("TimestampConverter optional field", tv, cfg("field", "opt", "target.type", "Date", "format", "yyyy"), value(schema, struct));
        vector("TimestampConverter field not in schema", tv, cfg("field", "nope", "target.type", "Timestamp"), value(schema, struct));
        vector("TimestampConverter schemaless field", tv, cfg("field", "at", "target.type", "string", "format", "EEEE, d MMMM yyyy h:mm a z"), value(null, map("at", TS, "x", 1)));
        vector("TimestampConverter schemaless date", tv, cfg("target.type", "unix"), value(null, date));
        vector("TimestampConverter schemaless int", tv, cfg("target.type", "unix"), value(null, 5));
        vector("TimestampConverter schemaless missing field", tv, cfg("field", "at", "target.type", "unix"), value(null, map("x", 1)));
        vector("TimestampConverter schemaless null", tv, cfg("target.type", "unix"), value(null, null));
        vector("TimestampConverter key", T + "TimestampConverter$Key", cfg("target.type", "Date"), key(Timestamp.SCHEMA, date));
    }

    void headers() {
        String ih = T + "InsertHeader";
        for (String literal : List.of("hello", "42", "300", "1.5", "true", "[1,2]", "{\"a\":1}", "2024-01-15", "12:34:56.789Z", "", "null", " spaced ", "x y")) {
            vector("InsertHeader " + literal, ih, cfg("header", "added", "value.literal", literal), value(null, "x"));
        }
        vector("DropHeaders", T + "DropHeaders", cfg("headers", "h1,absent"), value(null, "x"));
        String hv = T + "HeaderFrom$Value";
        Schema inner = SchemaBuilder.struct().field("z", Schema.INT32_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().name("row").field("id", Schema.INT32_SCHEMA).field("name", Schema.STRING_SCHEMA).field("f", Schema.FLOAT64_SCHEMA)
            .field("bytes", Schema.BYTES_SCHEMA).field("inner", inner).field("opt", Schema.OPTIONAL_INT64_SCHEMA)
            .field("def", SchemaBuilder.string().optional().defaultValue("dflt").build()).build();
        Struct struct = new Struct(schema).put("id", 1).put("name", "n").put("f", 1.0).put("bytes", new byte[] {104, 105}).put("inner", new Struct(inner).put("z", 3));
        vector("HeaderFrom copy", hv, cfg("fields", "id,name,f,bytes,inner,opt,def", "headers", "h_id,h_name,h_f,h_bytes,h_inner,h_opt,h_def", "operation", "copy"), value(schema, struct));
        vector("HeaderFrom move", hv, cfg("fields", "id,def", "headers", "h_id,h_def", "operation", "move", "replace.null.with.default", "false"), value(schema, struct));
        Schema required = SchemaBuilder.struct().field("r", SchemaBuilder.string().build()).build();
        vector("HeaderFrom null for a required schema", hv, cfg("fields", "r", "headers", "h", "operation", "copy"), value(required, new Struct(required)));
        vector("HeaderFrom schemaless move", hv, cfg("fields", "a,missing", "headers", "ha,hm", "operation", "move"), value(null, map("a", 1L, "b", 2.5)));
        vector("HeaderFrom schemaless not a map", hv, cfg("fields", "a", "headers", "ha", "operation", "copy"), value(null, null));
        vector("HeaderFrom key", T + "HeaderFrom$Key", cfg("fields", "k", "headers", "hk", "operation", "copy"), key(null, map("k", List.of(1, 2))));
    }

    void setSchemaMetadata() {
        String sv = T + "SetSchemaMetadata$Value";
        Schema schema = SchemaBuilder.struct().name("old").version(1).doc("d").field("a", SchemaBuilder.int32().optional().defaultValue(4).build()).build();
        vector("SetSchemaMetadata name and version", sv, cfg("schema.name", "new.Name", "schema.version", "7"), value(schema, new Struct(schema)));
        vector("SetSchemaMetadata version only, no defaults", sv, cfg("schema.version", "7", "replace.null.with.default", "false"), value(schema, new Struct(schema)));
        vector("SetSchemaMetadata null struct", sv, cfg("schema.name", "n"), value(SchemaBuilder.struct().optional().build(), null));
        vector("SetSchemaMetadata string schema", sv, cfg("schema.name", "n"), value(Schema.STRING_SCHEMA, "x"));
        vector("SetSchemaMetadata no schema, no value", sv, cfg("schema.name", "n"), value(null, null));
        vector("SetSchemaMetadata no schema", sv, cfg("schema.name", "n"), value(null, "x"));
        vector("SetSchemaMetadata key", T + "SetSchemaMetadata$Key", cfg("schema.name", "k"), key(SchemaBuilder.struct().field("k", Schema.STRING_SCHEMA).build(),
            new Struct(SchemaBuilder.struct().field("k", Schema.STRING_SCHEMA).build()).put("k", "v")));
    }

    void predicates() {
        for (String[] c : new String[][] {{"orders", "orders"}, {"ord.*", "orders"}, {"ord", "orders"}, {"(?i)ORDERS", "orders"}, {"orders|x", "orders"}, {"[a-z]+s$", "orders"}}) {
            vector("TopicNameMatches " + c[0] + " on " + c[1], P + "TopicNameMatches", cfg("pattern", c[0]), source(c[1], null, null, null, "x"));
        }
        vector("HasHeaderKey present", P + "HasHeaderKey", cfg("name", "h2"), value(null, "x"));
        vector("HasHeaderKey absent", P + "HasHeaderKey", cfg("name", "h3"), value(null, "x"));
        vector("RecordIsTombstone null", P + "RecordIsTombstone", cfg(), value(Schema.OPTIONAL_STRING_SCHEMA, null));
        vector("RecordIsTombstone value", P + "RecordIsTombstone", cfg(), value(null, "x"));
    }

    // ---- ConfigDefs

    static final List<String> PLUGINS = List.of("Cast$Key", "Cast$Value", "DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter",
        "Flatten$Key", "Flatten$Value", "HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key", "HoistField$Value", "InsertField$Key",
        "InsertField$Value", "InsertHeader", "MaskField$Key", "MaskField$Value", "RegexRouter", "ReplaceField$Key", "ReplaceField$Value",
        "SetSchemaMetadata$Key", "SetSchemaMetadata$Value", "TimestampConverter$Key", "TimestampConverter$Value", "TimestampRouter", "ValueToKey",
        "predicates.HasHeaderKey", "predicates.RecordIsTombstone", "predicates.TopicNameMatches");

    /** Each plugin's config(): its keys as GET /connector-plugins/{plugin}/config lists them, in definition order. */
    static JsonNode configDefs() throws Exception {
        ObjectNode out = Describe.F.objectNode();
        for (String name : PLUGINS) {
            Object plugin = Class.forName(T + name).getDeclaredConstructor().newInstance();
            org.apache.kafka.common.config.ConfigDef def = plugin instanceof Predicate<?> p ? p.config() : ((Transformation<?>) plugin).config();
            ArrayNode keys = out.putArray(T + name);
            for (org.apache.kafka.common.config.ConfigDef.ConfigKey key : def.configKeys().values()) {
                ObjectNode k = keys.addObject();
                k.put("name", key.name);
                k.put("type", key.type.name());
                k.put("required", !key.hasDefault());
                if (key.hasDefault()) k.put("default", org.apache.kafka.common.config.ConfigDef.convertToString(key.defaultValue, key.type));
                k.put("importance", key.importance.name());
                k.put("documentation", key.documentation);
                k.put("validator", key.validator == null ? "" : key.validator.toString());
            }
        }
        return out;
    }

    // ---- SimpleDateFormat

    static JsonNode dateFormats() {
        ObjectNode out = Describe.F.objectNode();
        ArrayNode formats = out.putArray("format");
        List<String> patterns = Arrays.asList("yyyyMMdd", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yy/M/d H:m:s.S", "G yyyy YYYY ww W D F E EEEE u",
            "MMM MMMM LLL hh:mm a K k", "zzz zzzz XXX X Z", "''yyyy'' 'o''clock'", "SSSSSS y yyy yyyyy");
        long[] instants = {0L, TS, -1L, -62_135_596_800_000L, -12_219_292_800_001L, -12_219_292_800_000L, 253_402_300_799_999L, 1_704_067_199_000L,
            1_703_980_800_000L, 1_704_153_600_000L, -86_400_000L * 366 * 3000};
        for (String pattern : patterns) {
            SimpleDateFormat f = new SimpleDateFormat(pattern);
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            for (long t : instants) {
                ObjectNode v = formats.addObject();
                v.put("pattern", pattern);
                v.put("millis", t);
                v.put("text", f.format(new java.util.Date(t)));
            }
        }
        ArrayNode parses = out.putArray("parse");
        String[][] cases = {
            {"yyyyMMdd", "20240229"}, {"yyyyMMdd", "2024229"}, {"yyyy-MM-dd", "2024-2-3"}, {"yyyy-MM-dd", "2024-13-40"}, {"yyyy-MM-dd", "  2024-01-02"},
            {"yyyy-MM-dd HH:mm:ss.SSS", "2024-01-02 03:04:05.6"}, {"yyyy-MM-dd HH:mm:ss.SSS", "2024-01-02 03:04:05.123456"}, {"dd MMM yyyy", "05 feb 2024"},
            {"dd MMMM yyyy", "05 February 2024"}, {"dd MMM yyyy", "05 Febr 2024"}, {"EEE, dd MMM yyyy HH:mm:ss Z", "Mon, 05 Feb 2024 10:00:00 -0800"},
            {"yyyy-MM-dd'T'HH:mm:ssXXX", "2024-02-05T10:00:00Z"}, {"yyyy-MM-dd'T'HH:mm:ssXXX", "2024-02-05T10:00:00+05:30"}, {"yyyy-MM-dd HH:mm z", "2024-02-05 10:00 GMT+01:00"},
            {"yy-MM-dd", "24-01-02"}, {"yy-MM-dd", "99-01-02"}, {"yy-MM-dd", "2024-01-02"}, {"hh:mm a", "12:30 AM"}, {"hh:mm a", "12:30 PM"}, {"KK:mm a", "11:30 PM"},
            {"kk:mm", "24:00"}, {"yyyy D", "2024 60"}, {"yyyy-MM-dd", "2024/01/02"}, {"yyyy-MM-dd", "x"}, {"G yyyy-MM-dd", "BC 0100-03-01"}, {"yyyy-MM-dd", "1582-10-10"},
            {"yyyy-MM-dd", "1000-03-01"}, {"MM/dd/yyyy", "12/31/1969"}, {"HH:mm:ss", "25:61:61"},
        };
        for (String[] c : cases) {
            SimpleDateFormat f = new SimpleDateFormat(c[0]);
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            ObjectNode v = parses.addObject();
            v.put("pattern", c[0]);
            v.put("text", c[1]);
            java.util.Date parsed = f.parse(c[1], new ParsePosition(0));
            if (parsed == null) v.putNull("millis");
            else v.put("millis", parsed.getTime());
        }
        ArrayNode illegal = out.putArray("illegal");
        for (String pattern : List.of("yyyy-MM-dd'T", "yyyy-bb", "XXXX", "qqq")) {
            ObjectNode v = illegal.addObject();
            v.put("pattern", pattern);
            try {
                new SimpleDateFormat(pattern);
                v.putNull("error");
            } catch (IllegalArgumentException e) {
                v.put("error", e.getMessage());
            }
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }
}
