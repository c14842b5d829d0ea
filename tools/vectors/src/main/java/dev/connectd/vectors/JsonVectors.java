package dev.connectd.vectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.connectd.vectors.Describe.F;

/**
 * JsonConverter vectors. Two kinds:
 * <ul>
 * <li>"write" cases: a schema and a value; for each converter config, the bytes fromConnectData made
 * (or the error it threw) and what toConnectData read back from those bytes;</li>
 * <li>"read" cases: hand-written JSON text (input Kafka itself would not write, such as overflowing
 * integers or missing envelope fields) and what toConnectData made of it.</li>
 * </ul>
 * Maps are LinkedHashMaps so that the order Kafka writes them in is the order the vector lists.
 */
final class JsonVectors {
    private static final String TOPIC = "vectors";

    private record Case(String name, Schema schema, Object value, List<Map<String, String>> configs) {
    }

    private static final Map<String, String> WITH_SCHEMAS = Map.of("schemas.enable", "true");
    private static final Map<String, String> WITHOUT_SCHEMAS = Map.of("schemas.enable", "false");
    private static final List<Map<String, String>> BOTH = List.of(WITH_SCHEMAS, WITHOUT_SCHEMAS);
    private static final List<Map<String, String>> DECIMAL_CONFIGS = List.of(
        WITH_SCHEMAS, WITHOUT_SCHEMAS,
        Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"),
        Map.of("schemas.enable", "false", "decimal.format", "NUMERIC"));
    private static final List<Map<String, String>> DEFAULT_CONFIGS = List.of(
        WITH_SCHEMAS, WITHOUT_SCHEMAS,
        Map.of("schemas.enable", "true", "replace.null.with.default", "false"),
        Map.of("schemas.enable", "false", "replace.null.with.default", "false"));

    private JsonVectors() {
    }

    static ObjectNode build() {
        ObjectNode root = F.objectNode();
        root.put("kafkaVersion", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        root.put("topic", TOPIC);
        ArrayNode writes = root.putArray("write");
        for (Case c : writeCases()) writes.add(runWrite(c));
        ArrayNode reads = root.putArray("read");
        for (Object[] r : readCases()) reads.add(runRead((String) r[0], (String) r[1], (String) r[2]));
        ArrayNode nullReads = root.putArray("readNull");
        for (Map<String, String> config : BOTH) {
            ObjectNode n = nullReads.addObject();
            n.set("config", configNode(config));
            n.set("read", Describe.schemaAndValue(converter(config).toConnectData(TOPIC, null)));
        }
        return root;
    }

    private static JsonConverter converter(Map<String, String> config) {
        JsonConverter converter = new JsonConverter();
        converter.configure(config, false);
        return converter;
    }

    private static ObjectNode configNode(Map<String, String> config) {
        ObjectNode node = F.objectNode();
        config.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return node;
    }

    private static ObjectNode runWrite(Case c) {
        ObjectNode out = F.objectNode();
        out.put("name", c.name);
        out.set("schema", Describe.schema(c.schema));
        out.set("value", Describe.value(c.value));
        ArrayNode results = out.putArray("results");
        for (Map<String, String> config : c.configs) {
            ObjectNode r = results.addObject();
            r.set("config", configNode(config));
            JsonConverter converter = converter(config);
            byte[] bytes;
            try {
                bytes = converter.fromConnectData(TOPIC, c.schema, c.value);
            } catch (RuntimeException e) {
                r.set("error", Describe.error(e));
                continue;
            }
            if (bytes == null) {
                r.putNull("bytes");
            } else {
                r.put("text", new String(bytes, StandardCharsets.UTF_8));
                r.put("bytes", Base64.getEncoder().encodeToString(bytes));
            }
            try {
                r.set("read", Describe.schemaAndValue(converter.toConnectData(TOPIC, bytes)));
            } catch (RuntimeException e) {
                r.set("readError", Describe.error(e));
            }
        }
        return out;
    }

    private static ObjectNode runRead(String name, String schemasEnable, String text) {
        ObjectNode out = F.objectNode();
        out.put("name", name);
        Map<String, String> config = Map.of("schemas.enable", schemasEnable);
        out.set("config", configNode(config));
        out.put("text", text);
        try {
            out.set("read", Describe.schemaAndValue(converter(config).toConnectData(TOPIC, text.getBytes(StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
            out.set("error", Describe.error(e));
        }
        return out;
    }

    @SafeVarargs
    private static <K, V> Map<K, V> linkedMap(Map.Entry<K, V>... entries) {
        Map<K, V> map = new LinkedHashMap<>();
        for (Map.Entry<K, V> e : entries) map.put(e.getKey(), e.getValue());
        return map;
    }

    private static java.util.Date utc(String iso) {
        return java.util.Date.from(java.time.Instant.parse(iso));
    }

    private static List<Case> writeCases() {
        List<Case> cases = new ArrayList<>();
        // Primitives, at their limits.
        cases.add(new Case("int8 min", Schema.INT8_SCHEMA, (byte) -128, BOTH));
        cases.add(new Case("int8 max", Schema.INT8_SCHEMA, (byte) 127, BOTH));
        cases.add(new Case("int16 min", Schema.INT16_SCHEMA, Short.MIN_VALUE, BOTH));
        cases.add(new Case("int32 max", Schema.INT32_SCHEMA, Integer.MAX_VALUE, BOTH));
        cases.add(new Case("int32 min", Schema.INT32_SCHEMA, Integer.MIN_VALUE, BOTH));
        cases.add(new Case("int64 zero", Schema.INT64_SCHEMA, 0L, BOTH));
        cases.add(new Case("int64 2^53+1", Schema.INT64_SCHEMA, 9007199254740993L, BOTH));
        cases.add(new Case("int64 max", Schema.INT64_SCHEMA, Long.MAX_VALUE, BOTH));
        cases.add(new Case("int64 min", Schema.INT64_SCHEMA, Long.MIN_VALUE, BOTH));
        float[] floats = {1.5f, 0.1f, -0.0f, 1.0e7f, 9999999.0f, 1.0e-3f, 9.9e-4f, 3.4028235e38f, 1.4e-45f, 16777217f, 123.456f, Float.NaN, Float.POSITIVE_INFINITY};
        for (float f : floats) cases.add(new Case("float32 " + f, Schema.FLOAT32_SCHEMA, f, BOTH));
        double[] doubles = {0.1, 1.0, 100.0, -0.0, 1.0e7, 9999999.999, 1.0e-3, 9.99e-4, 1.0e21, 1.0e22, 123456789.123, 0.30000000000000004,
            Double.MAX_VALUE, Double.MIN_VALUE, 2.2250738585072014E-308, 5e-324, 1.7976931348623157e308, 4.35, 2.0 / 3,
            Double.NaN, Double.NEGATIVE_INFINITY};
        for (double d : doubles) cases.add(new Case("float64 " + d, Schema.FLOAT64_SCHEMA, d, BOTH));
        cases.add(new Case("boolean true", Schema.BOOLEAN_SCHEMA, true, BOTH));
        cases.add(new Case("boolean false", Schema.BOOLEAN_SCHEMA, false, BOTH));
        cases.add(new Case("string empty", Schema.STRING_SCHEMA, "", BOTH));
        cases.add(new Case("string unicode", Schema.STRING_SCHEMA, "h\u00e9llo \u20ac \ud834\udd1e \u4e2d", BOTH));
        cases.add(new Case("string escapes", Schema.STRING_SCHEMA,
            "\u0000\u0001\b\t\n\u000b\f\r\u001f \"quote\" \\back/slash\u007f\u0080\u2028\u2029</script>", BOTH));
        cases.add(new Case("bytes empty", Schema.BYTES_SCHEMA, new byte[0], BOTH));
        cases.add(new Case("bytes", Schema.BYTES_SCHEMA, new byte[]{0, 1, 2, (byte) 0xfe, (byte) 0xff}, BOTH));
        byte[] longBytes = new byte[100];
        for (int i = 0; i < longBytes.length; i++) longBytes[i] = (byte) (i * 37);
        cases.add(new Case("bytes 100 (no line breaks in base64)", Schema.BYTES_SCHEMA, longBytes, BOTH));

        // Optional, defaults, metadata.
        cases.add(new Case("optional string null", Schema.OPTIONAL_STRING_SCHEMA, null, BOTH));
        cases.add(new Case("optional int32 value", Schema.OPTIONAL_INT32_SCHEMA, 7, BOTH));
        cases.add(new Case("required string null", Schema.STRING_SCHEMA, null, BOTH));
        cases.add(new Case("int32 default, null value", SchemaBuilder.int32().defaultValue(42).build(), null, DEFAULT_CONFIGS));
        cases.add(new Case("optional string default, null value", SchemaBuilder.string().optional().defaultValue("dflt").build(), null, DEFAULT_CONFIGS));
        cases.add(new Case("int64 default beyond 2^53", SchemaBuilder.int64().defaultValue(9007199254740993L).build(), 1L, BOTH));
        cases.add(new Case("schema metadata", SchemaBuilder.string().name("com.example.Name").version(3).doc("a \"doc\"")
            .parameter("z", "last").parameter("a", "first").build(), "v", BOTH));
        cases.add(new Case("bytes default", SchemaBuilder.bytes().optional().defaultValue(new byte[]{9, 8}).build(), null, DEFAULT_CONFIGS));

        // Structs.
        Schema flat = SchemaBuilder.struct().name("com.example.Flat").version(2).doc("all the primitives")
            .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA).field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA).field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
            .field("bool", Schema.BOOLEAN_SCHEMA).field("str", Schema.STRING_SCHEMA).field("bytes", Schema.BYTES_SCHEMA)
            .field("opt", Schema.OPTIONAL_STRING_SCHEMA)
            .field("withDefault", SchemaBuilder.int32().optional().defaultValue(5).build())
            .build();
        Struct flatValue = new Struct(flat).put("i8", (byte) 1).put("i16", (short) -2).put("i32", 3).put("i64", -9007199254740993L)
            .put("f32", 2.5f).put("f64", 1e100).put("bool", true).put("str", "s").put("bytes", new byte[]{1})
            .put("opt", null);
        cases.add(new Case("struct flat", flat, flatValue, DEFAULT_CONFIGS));
        Schema inner = SchemaBuilder.struct().name("Inner").field("x", Schema.INT32_SCHEMA).optional().build();
        Schema outer = SchemaBuilder.struct().name("Outer")
            .field("id", Schema.INT64_SCHEMA)
            .field("inner", inner)
            .field("missing", inner)
            .field("list", SchemaBuilder.array(inner).build())
            .build();
        Struct outerValue = new Struct(outer).put("id", 1L).put("inner", new Struct(inner).put("x", 10))
            .put("list", List.of(new Struct(inner).put("x", 1), new Struct(inner).put("x", 2)));
        cases.add(new Case("struct nested", outer, outerValue, BOTH));
        Schema empty = SchemaBuilder.struct().build();
        cases.add(new Case("struct empty", empty, new Struct(empty), BOTH));
        Schema row = SchemaBuilder.struct().name("row")
            .field("id", Schema.INT32_SCHEMA)
            .field("ts", Timestamp.builder().optional().build())
            .field("amt", Decimal.builder(2).optional().build())
            .build();
        cases.add(new Case("struct with logical fields", row,
            new Struct(row).put("id", 1).put("ts", new java.util.Date(1700000000000L)).put("amt", new BigDecimal("2.22")), DECIMAL_CONFIGS));
        cases.add(new Case("struct missing required field", SchemaBuilder.struct().field("req", Schema.STRING_SCHEMA).build(),
            new Struct(SchemaBuilder.struct().field("req", Schema.STRING_SCHEMA).build()), BOTH));

        // Arrays.
        cases.add(new Case("array int32", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, 2, 3), BOTH));
        cases.add(new Case("array empty", SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of(), BOTH));
        cases.add(new Case("array optional strings", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), Arrays.asList("a", null, "c"), BOTH));
        cases.add(new Case("array of arrays", SchemaBuilder.array(SchemaBuilder.array(Schema.INT64_SCHEMA).build()).optional().build(),
            List.of(List.of(1L, 2L), List.of(), List.of(9007199254740993L)), BOTH));

        // Maps: string keys become a JSON object, anything else a list of pairs.
        Schema stringMap = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
        cases.add(new Case("map string keys", stringMap, linkedMap(Map.entry("b", 2), Map.entry("a", 1), Map.entry("", 0)), BOTH));
        Schema intMap = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
        cases.add(new Case("map int32 keys", intMap, linkedMap(Map.entry(2, "two"), Map.entry(1, "one")), BOTH));
        Schema structKeyMap = SchemaBuilder.map(inner, Schema.OPTIONAL_BOOLEAN_SCHEMA).build();
        Map<Object, Object> structKeys = new LinkedHashMap<>();
        structKeys.put(new Struct(inner).put("x", 1), true);
        structKeys.put(new Struct(inner).put("x", 2), null);
        cases.add(new Case("map struct keys", structKeyMap, structKeys, BOTH));
        cases.add(new Case("map empty", stringMap, Map.of(), BOTH));
        cases.add(new Case("map of arrays", SchemaBuilder.map(Schema.STRING_SCHEMA, SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build()).build(),
            linkedMap(Map.entry("xs", List.of(1.0, 2.5))), BOTH));

        // Logical types.
        cases.add(new Case("decimal 2.22", Decimal.schema(2), new BigDecimal("2.22"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal -2.22", Decimal.schema(2), new BigDecimal("-2.22"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal 0.00", Decimal.schema(2), new BigDecimal("0.00"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal -1 (one byte ff)", Decimal.schema(0), new BigDecimal("-1"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal 128 (needs a sign byte)", Decimal.schema(0), new BigDecimal("128"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal wide", Decimal.schema(5), new BigDecimal("-12345678901234567890123456789.12345"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal small (exponent form)", Decimal.schema(10), new BigDecimal("1E-10"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal 0.000001", Decimal.schema(6), new BigDecimal("0.000001"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal 0.0000001", Decimal.schema(7), new BigDecimal("0.0000001"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal negative scale", Decimal.schema(-2), new BigDecimal("1.23E+4"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal scale mismatch", Decimal.schema(2), new BigDecimal("2.2"), DECIMAL_CONFIGS));
        cases.add(new Case("decimal optional null", Decimal.builder(2).optional().build(), null, DECIMAL_CONFIGS));
        cases.add(new Case("decimal with default", Decimal.builder(1).defaultValue(new BigDecimal("0.5")).build(), null, DECIMAL_CONFIGS));
        cases.add(new Case("date 2024-01-15", Date.SCHEMA, utc("2024-01-15T00:00:00Z"), BOTH));
        cases.add(new Case("date 1969-12-31", Date.SCHEMA, utc("1969-12-31T00:00:00Z"), BOTH));
        cases.add(new Case("date with a time part", Date.SCHEMA, utc("2024-01-15T00:00:01Z"), BOTH));
        cases.add(new Case("time 12:34:56.789", Time.SCHEMA, new java.util.Date(45296789L), BOTH));
        cases.add(new Case("time midnight", Time.SCHEMA, new java.util.Date(0L), BOTH));
        cases.add(new Case("time beyond a day", Time.SCHEMA, new java.util.Date(86400001L), BOTH));
        cases.add(new Case("timestamp", Timestamp.SCHEMA, new java.util.Date(1700000000123L), BOTH));
        cases.add(new Case("timestamp before 1970", Timestamp.SCHEMA, new java.util.Date(-1L), BOTH));
        cases.add(new Case("timestamp with default", Timestamp.builder().defaultValue(new java.util.Date(86400000L)).build(), null, BOTH));
        cases.add(new Case("int32 value for a timestamp schema", Timestamp.SCHEMA, 5, BOTH));

        // Null values and tombstones.
        cases.add(new Case("null schema, null value (tombstone)", null, null, BOTH));

        // Schemaless values. (No Float: JavaScript has no float32 number, so connectd cannot be
        // asked to write one without a schema.)
        Map<String, Object> mixed = new LinkedHashMap<>();
        mixed.put("int", 1);
        mixed.put("long", 9007199254740993L);
        mixed.put("double", 1.5);
        mixed.put("string", "x");
        mixed.put("bool", true);
        mixed.put("null", null);
        mixed.put("list", Arrays.asList(1, "two", null, List.of(3.0)));
        mixed.put("nested", linkedMap(Map.entry("k", "v")));
        mixed.put("bytes", new byte[]{1, 2, 3});
        mixed.put("short", (short) 7);
        cases.add(new Case("schemaless map", null, mixed, BOTH));
        cases.add(new Case("schemaless list", null, Arrays.asList(1L, "a", null, true), BOTH));
        cases.add(new Case("schemaless map int keys", null, linkedMap(Map.entry(1, "a"), Map.entry(2, "b")), BOTH));
        cases.add(new Case("schemaless empty map", null, Map.of(), BOTH));
        cases.add(new Case("schemaless string", null, "just a string", BOTH));
        cases.add(new Case("schemaless long beyond 2^53", null, -9007199254740993L, BOTH));
        cases.add(new Case("schemaless double", null, 1.0, BOTH));
        cases.add(new Case("schemaless boolean", null, false, BOTH));
        cases.add(new Case("schemaless struct", null, new Struct(inner).put("x", 1), BOTH));
        cases.add(new Case("schemaless decimal", null, new BigDecimal("1.5"), BOTH));
        cases.add(new Case("schemaless date", null, new java.util.Date(0L), BOTH));
        return cases;
    }

    private static List<Object[]> readCases() {
        String t = "true";
        String f = "false";
        List<Object[]> cases = new ArrayList<>();
        // Plain JSON (schemas.enable=false).
        cases.add(new Object[]{"schemaless object", f, "{\"a\":1,\"b\":9007199254740993,\"c\":1.5,\"d\":[1,2],\"e\":{\"f\":null},\"g\":\"s\",\"h\":true}"});
        cases.add(new Object[]{"schemaless integer beyond int64", f, "12345678901234567890"});
        cases.add(new Object[]{"schemaless int64 max", f, "9223372036854775807"});
        cases.add(new Object[]{"schemaless 1.0", f, "1.0"});
        cases.add(new Object[]{"schemaless 1e2", f, "1e2"});
        cases.add(new Object[]{"schemaless leading zeros", f, "007"});
        cases.add(new Object[]{"schemaless -0", f, "-0"});
        cases.add(new Object[]{"schemaless -0.0", f, "-0.0"});
        cases.add(new Object[]{"schemaless many digits", f, "0.1000000000000000055511151231257827"});
        cases.add(new Object[]{"schemaless string escapes", f, "\"\\u00e9\\ud834\\udd1e\\n\\/\\\"\""});
        cases.add(new Object[]{"schemaless null", f, "null"});
        cases.add(new Object[]{"schemaless empty input", f, ""});
        cases.add(new Object[]{"schemaless whitespace around", f, " \n\t[1 , 2]\r\n"});
        cases.add(new Object[]{"schemaless duplicate keys", f, "{\"a\":1,\"b\":2,\"a\":3}"});
        cases.add(new Object[]{"schemaless envelope-looking object", f, "{\"schema\":{\"type\":\"int32\"},\"payload\":1}"});
        cases.add(new Object[]{"schemaless invalid JSON", f, "{\"a\":"});
        // Envelopes (schemas.enable=true).
        cases.add(new Object[]{"envelope empty input", t, ""});
        cases.add(new Object[]{"envelope plain JSON", t, "{\"a\":1}"});
        cases.add(new Object[]{"envelope extra field", t, "{\"schema\":null,\"payload\":1,\"extra\":2}"});
        cases.add(new Object[]{"envelope missing payload", t, "{\"schema\":null}"});
        cases.add(new Object[]{"envelope null schema", t, "{\"schema\":null,\"payload\":{\"a\":[1,2.5]}}"});
        cases.add(new Object[]{"envelope payload first", t, "{\"payload\":5,\"schema\":{\"type\":\"int16\",\"optional\":false}}"});
        cases.add(new Object[]{"envelope optional absent means required", t, "{\"schema\":{\"type\":\"string\"},\"payload\":null}"});
        cases.add(new Object[]{"envelope optional not a boolean", t, "{\"schema\":{\"type\":\"string\",\"optional\":\"true\"},\"payload\":\"x\"}"});
        cases.add(new Object[]{"int32 from 1.9", t, "{\"schema\":{\"type\":\"int32\"},\"payload\":1.9}"});
        cases.add(new Object[]{"int32 from -1.9", t, "{\"schema\":{\"type\":\"int32\"},\"payload\":-1.9}"});
        cases.add(new Object[]{"int8 from 200", t, "{\"schema\":{\"type\":\"int8\"},\"payload\":200}"});
        cases.add(new Object[]{"int16 from 1e3", t, "{\"schema\":{\"type\":\"int16\"},\"payload\":1e3}"});
        cases.add(new Object[]{"int64 from 2^63", t, "{\"schema\":{\"type\":\"int64\"},\"payload\":9223372036854775808}"});
        cases.add(new Object[]{"int64 from 2^53+1", t, "{\"schema\":{\"type\":\"int64\"},\"payload\":9007199254740993}"});
        cases.add(new Object[]{"float from 0.1", t, "{\"schema\":{\"type\":\"float\"},\"payload\":0.1}"});
        cases.add(new Object[]{"float from an integer", t, "{\"schema\":{\"type\":\"float\"},\"payload\":16777217}"});
        cases.add(new Object[]{"double from an integer beyond 2^53", t, "{\"schema\":{\"type\":\"double\"},\"payload\":9007199254740993}"});
        cases.add(new Object[]{"double from NaN string", t, "{\"schema\":{\"type\":\"double\"},\"payload\":\"NaN\"}"});
        cases.add(new Object[]{"int32 from a string", t, "{\"schema\":{\"type\":\"int32\"},\"payload\":\"12\"}"});
        cases.add(new Object[]{"boolean from a number", t, "{\"schema\":{\"type\":\"boolean\"},\"payload\":1}"});
        cases.add(new Object[]{"string from a number", t, "{\"schema\":{\"type\":\"string\",\"optional\":true},\"payload\":12}"});
        cases.add(new Object[]{"bytes from invalid base64", t, "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"not base64!\"}"});
        cases.add(new Object[]{"bytes unpadded base64", t, "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"AQI\"}"});
        cases.add(new Object[]{"array from an object", t, "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\"}},\"payload\":{\"a\":1}}"});
        cases.add(new Object[]{"array without items", t, "{\"schema\":{\"type\":\"array\"},\"payload\":[]}"});
        cases.add(new Object[]{"map pairs", t, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int64\"},\"values\":{\"type\":\"string\",\"optional\":true}},\"payload\":[[1,\"a\"],[9007199254740993,null]]}"});
        cases.add(new Object[]{"map pair of three", t, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int64\"},\"values\":{\"type\":\"string\"}},\"payload\":[[1,\"a\",2]]}"});
        cases.add(new Object[]{"map string keys from pairs", t, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}},\"payload\":[[\"a\",\"b\"]]}"});
        cases.add(new Object[]{"struct missing field with default", t,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"default\":7,\"field\":\"a\"},{\"type\":\"string\",\"optional\":true,\"field\":\"b\"}]},\"payload\":{\"extra\":1}}"});
        cases.add(new Object[]{"struct missing required field", t,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"}]},\"payload\":{}}"});
        cases.add(new Object[]{"struct field without name", t, "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\"}]},\"payload\":{}}"});
        cases.add(new Object[]{"struct with duplicate field names", t,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"},{\"type\":\"int32\",\"field\":\"a\"}]},\"payload\":{\"a\":1}}"});
        cases.add(new Object[]{"schema with version, doc, parameters", t,
            "{\"schema\":{\"type\":\"string\",\"optional\":false,\"name\":\"n\",\"version\":2,\"doc\":\"d\",\"parameters\":{\"k\":\"v\"}},\"payload\":\"x\"}"});
        cases.add(new Object[]{"schema version not integral", t, "{\"schema\":{\"type\":\"string\",\"version\":1.5},\"payload\":\"x\"}"});
        cases.add(new Object[]{"schema parameter not a string", t, "{\"schema\":{\"type\":\"string\",\"parameters\":{\"k\":1}},\"payload\":\"x\"}"});
        cases.add(new Object[]{"schema unknown type", t, "{\"schema\":{\"type\":\"uuid\"},\"payload\":\"x\"}"});
        cases.add(new Object[]{"schema without type", t, "{\"schema\":{\"optional\":true},\"payload\":\"x\"}"});
        cases.add(new Object[]{"schema invalid default", t, "{\"schema\":{\"type\":\"int32\",\"default\":\"x\"},\"payload\":null}"});
        String decimal2 = "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}}";
        cases.add(new Object[]{"decimal from a number with fewer digits than the scale", t, "{\"schema\":" + decimal2 + ",\"payload\":2.2}"});
        cases.add(new Object[]{"decimal from an integer", t, "{\"schema\":" + decimal2 + ",\"payload\":3}"});
        cases.add(new Object[]{"decimal from a long number", t, "{\"schema\":" + decimal2 + ",\"payload\":123456789012345678901234567890.123}"});
        cases.add(new Object[]{"decimal from exponent", t, "{\"schema\":" + decimal2 + ",\"payload\":1.5E+3}"});
        cases.add(new Object[]{"decimal from base64", t, "{\"schema\":" + decimal2 + ",\"payload\":\"AN4=\"}"});
        cases.add(new Object[]{"decimal from empty base64", t, "{\"schema\":" + decimal2 + ",\"payload\":\"\"}"});
        cases.add(new Object[]{"decimal without scale", t,
            "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\"},\"payload\":\"AN4=\"}"});
        cases.add(new Object[]{"date from days", t, "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":19737}"});
        cases.add(new Object[]{"date from a long", t, "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\"},\"payload\":3000000000}"});
        cases.add(new Object[]{"time from ms", t, "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Time\"},\"payload\":45296789}"});
        cases.add(new Object[]{"time out of range", t, "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Time\"},\"payload\":-1}"});
        cases.add(new Object[]{"timestamp from ms", t, "{\"schema\":{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},\"payload\":1700000000123}"});
        cases.add(new Object[]{"timestamp from a float", t, "{\"schema\":{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},\"payload\":1.5}"});
        cases.add(new Object[]{"timestamp beyond JavaScript dates", t, "{\"schema\":{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},\"payload\":9007199254740993}"});
        cases.add(new Object[]{"struct default for a struct field", t,
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"x\"}],\"default\":{\"x\":1},\"field\":\"s\"}]},\"payload\":{}}"});
        return cases;
    }
}
