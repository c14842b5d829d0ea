package dev.connectd.vectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.converters.BooleanConverter;
import org.apache.kafka.connect.converters.DoubleConverter;
import org.apache.kafka.connect.converters.FloatConverter;
import org.apache.kafka.connect.converters.IntegerConverter;
import org.apache.kafka.connect.converters.LongConverter;
import org.apache.kafka.connect.converters.ShortConverter;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.connectd.vectors.Describe.F;

/** Vectors for the number converters, BooleanConverter, StringConverter and SimpleHeaderConverter. */
final class OtherVectors {
    private static final String TOPIC = "vectors";

    private OtherVectors() {
    }

    private static Converter configured(Supplier<Converter> make) {
        Converter c = make.get();
        c.configure(Map.of(), false);
        return c;
    }

    /** fromConnectData for each value (bytes as hex), toConnectData of those bytes, and reads of odd byte strings. */
    static ObjectNode numbers() {
        ObjectNode root = F.objectNode();
        addConverter(root, "ShortConverter", ShortConverter::new, Schema.OPTIONAL_INT16_SCHEMA,
            Arrays.asList((short) 0, (short) 1, (short) -1, Short.MAX_VALUE, Short.MIN_VALUE, null),
            List.of("00", "000102", "ff7f"));
        addConverter(root, "IntegerConverter", IntegerConverter::new, Schema.OPTIONAL_INT32_SCHEMA,
            Arrays.asList(0, 1, -1, 256, Integer.MAX_VALUE, Integer.MIN_VALUE, null),
            List.of("", "0001"));
        addConverter(root, "LongConverter", LongConverter::new, Schema.OPTIONAL_INT64_SCHEMA,
            Arrays.asList(0L, -1L, 9007199254740993L, Long.MAX_VALUE, Long.MIN_VALUE, 1700000000123L, null),
            List.of("00000000"));
        addConverter(root, "FloatConverter", FloatConverter::new, Schema.OPTIONAL_FLOAT32_SCHEMA,
            Arrays.asList(0.0f, -0.0f, 1.5f, 0.1f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, null),
            List.of("7fc00001", "0000"));
        addConverter(root, "DoubleConverter", DoubleConverter::new, Schema.OPTIONAL_FLOAT64_SCHEMA,
            Arrays.asList(0.0, -0.0, 0.1, 1e300, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, null),
            List.of("3ff0"));
        addConverter(root, "BooleanConverter", BooleanConverter::new, Schema.OPTIONAL_BOOLEAN_SCHEMA,
            Arrays.asList(true, false, null),
            List.of("02", "0000", ""));
        // What each converter does with a value of another Java type (the class it casts to differs).
        ArrayNode mismatches = root.putArray("mismatches");
        Object[][] wrong = {
            {"ShortConverter", 1}, {"IntegerConverter", 1L}, {"LongConverter", 1}, {"FloatConverter", 1.5},
            {"DoubleConverter", 1.5f}, {"BooleanConverter", 1}, {"BooleanConverter with a string schema", true},
        };
        for (Object[] w : wrong) {
            ObjectNode m = mismatches.addObject();
            String name = (String) w[0];
            m.put("converter", name);
            m.set("value", Describe.value(w[1]));
            Converter c = configured(switch (name.split(" ")[0]) {
                case "ShortConverter" -> ShortConverter::new;
                case "IntegerConverter" -> IntegerConverter::new;
                case "LongConverter" -> LongConverter::new;
                case "FloatConverter" -> FloatConverter::new;
                case "DoubleConverter" -> DoubleConverter::new;
                default -> BooleanConverter::new;
            });
            Schema schema = name.contains("string schema") ? Schema.STRING_SCHEMA : null;
            try {
                m.put("hex", Describe.hex(c.fromConnectData(TOPIC, schema, w[1])));
            } catch (RuntimeException e) {
                m.set("error", Describe.error(e));
            }
        }
        return root;
    }

    private static void addConverter(ObjectNode root, String name, Supplier<Converter> make, Schema expectedSchema,
                                     List<?> values, List<String> oddHex) {
        ObjectNode node = root.putObject(name);
        node.put("class", make.get().getClass().getName());
        node.set("schema", Describe.schema(expectedSchema));
        Converter converter = configured(make);
        ArrayNode cases = node.putArray("values");
        for (Object v : values) {
            ObjectNode c = cases.addObject();
            c.set("value", Describe.value(v));
            byte[] bytes = converter.fromConnectData(TOPIC, null, v);
            if (bytes == null) c.putNull("hex");
            else c.put("hex", Describe.hex(bytes));
            c.set("read", Describe.schemaAndValue(converter.toConnectData(TOPIC, bytes)));
        }
        ArrayNode odd = node.putArray("reads");
        for (String hex : oddHex) {
            ObjectNode c = odd.addObject();
            c.put("hex", hex);
            try {
                c.set("read", Describe.schemaAndValue(converter.toConnectData(TOPIC, HexFormat.of().parseHex(hex))));
            } catch (RuntimeException e) {
                c.set("error", Describe.error(e));
            }
        }
    }

    /** StringConverter: fromConnectData is value.toString(), so what Java's toString gives matters. */
    static ObjectNode strings() {
        ObjectNode root = F.objectNode();
        Converter converter = configured(StringConverter::new);
        Schema inner = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).optional().build();
        Schema s = SchemaBuilder.struct().field("a", Schema.INT64_SCHEMA).field("b", Schema.OPTIONAL_STRING_SCHEMA)
            .field("c", Schema.FLOAT64_SCHEMA).field("d", Schema.OPTIONAL_BOOLEAN_SCHEMA).field("e", inner).build();
        Object[][] values = {
            {Schema.STRING_SCHEMA, "h\u00e9llo \ud834\udd1e"},
            {Schema.INT32_SCHEMA, -5},
            {Schema.INT64_SCHEMA, 9007199254740993L},
            {Schema.FLOAT64_SCHEMA, 1.0},
            {Schema.FLOAT64_SCHEMA, 1.0e-5},
            {Schema.FLOAT64_SCHEMA, 1.0e21},
            {Schema.FLOAT32_SCHEMA, 0.1f},
            {Schema.BOOLEAN_SCHEMA, true},
            {Decimal.schema(2), new BigDecimal("-0.50")},
            {s, new Struct(s).put("a", 1L).put("c", 2.5).put("d", false).put("e", new Struct(inner).put("x", 3))},
            {null, null},
        };
        ArrayNode writes = root.putArray("write");
        for (Object[] v : values) {
            ObjectNode c = writes.addObject();
            c.set("schema", Describe.schema((Schema) v[0]));
            c.set("value", Describe.value(v[1]));
            byte[] bytes = converter.fromConnectData(TOPIC, (Schema) v[0], v[1]);
            if (bytes == null) c.putNull("text");
            else c.put("text", new String(bytes, StandardCharsets.UTF_8));
        }
        ArrayNode reads = root.putArray("read");
        for (String text : new String[]{"", "h\u00e9llo", "42"}) {
            ObjectNode c = reads.addObject();
            c.put("text", text);
            c.set("read", Describe.schemaAndValue(converter.toConnectData(TOPIC, text.getBytes(StandardCharsets.UTF_8))));
        }
        ObjectNode nullRead = reads.addObject();
        nullRead.putNull("text");
        nullRead.set("read", Describe.schemaAndValue(converter.toConnectData(TOPIC, null)));
        return root;
    }

    /**
     * SimpleHeaderConverter: fromConnectHeader writes Values.convertToString, toConnectHeader infers a
     * schema with Values.parseString. Dates format in the JVM's default time zone: main() sets UTC.
     */
    static ObjectNode headers() {
        ObjectNode root = F.objectNode();
        SimpleHeaderConverter converter = new SimpleHeaderConverter();
        converter.configure(Map.of());
        Schema inner = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build();
        Schema s = SchemaBuilder.struct().field("name", Schema.STRING_SCHEMA).field("n", Schema.OPTIONAL_INT64_SCHEMA)
            .field("inner", inner).build();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", "two");
        Map<Integer, List<String>> intKeyed = new LinkedHashMap<>();
        intKeyed.put(1, List.of("x"));
        Object[][] values = {
            {Schema.STRING_SCHEMA, "hello"},
            {Schema.STRING_SCHEMA, "with \"quotes\" and \\"},
            {Schema.STRING_SCHEMA, ""},
            {Schema.INT8_SCHEMA, (byte) 5},
            {Schema.INT16_SCHEMA, (short) -300},
            {Schema.INT32_SCHEMA, -7},
            {Schema.INT64_SCHEMA, 9007199254740993L},
            {Schema.FLOAT32_SCHEMA, 1.5f},
            {Schema.FLOAT32_SCHEMA, 0.1f},
            {Schema.FLOAT64_SCHEMA, 1.0},
            {Schema.FLOAT64_SCHEMA, 1.0e10},
            {Schema.FLOAT64_SCHEMA, 0.1},
            {Schema.BOOLEAN_SCHEMA, true},
            {Schema.BYTES_SCHEMA, new byte[]{1, 2, 3}},
            {SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, 2, 3)},
            {SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of("a", "b\"c")},
            {SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), Arrays.asList("a", null)},
            {SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), map},
            {SchemaBuilder.map(Schema.INT32_SCHEMA, SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build(), intKeyed},
            {s, new Struct(s).put("name", "n").put("n", 3L).put("inner", new Struct(inner).put("x", 1))},
            {Date.SCHEMA, new java.util.Date(19737L * 86400000L)},
            {Time.SCHEMA, new java.util.Date(45296789L)},
            {Timestamp.SCHEMA, new java.util.Date(1705322096789L)},
            {Timestamp.SCHEMA, new java.util.Date(1705276800000L)},
            {Decimal.schema(2), new BigDecimal("2.22")},
            {Decimal.schema(0), new BigDecimal("12345678901234567890")},
            {null, null},
        };
        ArrayNode writes = root.putArray("write");
        for (Object[] v : values) {
            ObjectNode c = writes.addObject();
            c.set("schema", Describe.schema((Schema) v[0]));
            c.set("value", Describe.value(v[1]));
            byte[] bytes = converter.fromConnectHeader(TOPIC, "h", (Schema) v[0], v[1]);
            if (bytes == null) {
                c.putNull("text");
                continue;
            }
            c.put("text", new String(bytes, StandardCharsets.UTF_8));
            c.set("read", Describe.schemaAndValue(converter.toConnectHeader(TOPIC, "h", bytes)));
        }
        String[] texts = {
            "true", "false", "null", "TRUE", "42", "-129", "32768", "2147483648", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "1.5", "3.14159", "0.1", "1.0", "1e3", "1E20", "1e39", "1e400", "1.5e400", "-0", "+7", "0x10", "1_000",
            "12345678901234567890.5", "abc", "", " ", "  spaced  ", "[1,2,3]", "[1, \"a\"]", "[1,2.5]", "[]", "[null]",
            "[1,,2]", "[1,2", "{\"a\":1,\"b\":2}", "{\"a\":\"x\",\"b\":null}", "{1:2}", "{}", "{\"a\"}", "{\"a\":1,}",
            "2024-01-15", "12:34:56.789Z", "2024-01-15T12:34:56.789Z", "2024-13-45", "[\"2024-01-15\"]",
            "true}", "a,b", "\"quoted\"", "[\"a\\\"b\"]", "{\"k\":[1,2],\"l\":[3]}", "[[1],[2,3]]", "[1,true]",
            "h\u00e9llo", "1 2", "-", "+", "1.", ".5", "1e", "[\"a\", 1]", "{\"a\":{\"b\":1}}", "[1,2,3]x",
        };
        ArrayNode reads = root.putArray("read");
        for (String text : texts) {
            ObjectNode c = reads.addObject();
            c.put("text", text);
            try {
                c.set("read", Describe.schemaAndValue(converter.toConnectHeader(TOPIC, "h", text.getBytes(StandardCharsets.UTF_8))));
            } catch (RuntimeException e) {
                c.set("error", Describe.error(e));
            }
        }
        ObjectNode invalid = reads.addObject();
        invalid.put("hex", "ff");
        invalid.set("read", Describe.schemaAndValue(converter.toConnectHeader(TOPIC, "h", new byte[]{(byte) 0xff})));
        ObjectNode nullRead = reads.addObject();
        nullRead.putNull("text");
        nullRead.set("read", Describe.schemaAndValue(converter.toConnectHeader(TOPIC, "h", null)));
        return root;
    }
}
