package dev.connectd.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes Connect schemas and values in a neutral JSON form that the TypeScript tests decode
 * without going through any converter: the vectors must not describe JsonConverter's output in
 * JsonConverter's own format, or a shared misunderstanding would pass unnoticed.
 *
 * <p>Values are tagged by their Java class, so a vector shows that Java read an INT8 as a Byte and
 * a schemaless integer as a Long: {"int8": 1}, {"int64": "1"} (a string: JSON readers may round),
 * {"float32": "0.1", "bits": "3dcccccd"} (the bits are exact, the text is Float.toString),
 * {"decimal": "2.22", "unscaled": "222", "scale": 2}, {"date": epochMillis}, {"bytes": base64},
 * {"array": [...]}, {"map": [[k, v], ...]} (a LinkedHashMap in its order, any other map sorted by
 * key), {"struct": [[field, value], ...]} (in field order, without defaults applied).
 */
final class Describe {
    static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

    private Describe() {
    }

    static JsonNode schema(Schema schema) {
        if (schema == null) return F.nullNode();
        ObjectNode out = F.objectNode();
        out.put("type", schema.type().name());
        out.put("optional", schema.isOptional());
        if (schema.name() != null) out.put("name", schema.name());
        if (schema.version() != null) out.put("version", schema.version());
        if (schema.doc() != null) out.put("doc", schema.doc());
        if (schema.parameters() != null) {
            ObjectNode params = out.putObject("parameters");
            for (Map.Entry<String, String> e : schema.parameters().entrySet()) params.put(e.getKey(), e.getValue());
        }
        if (schema.defaultValue() != null) out.set("default", value(schema.defaultValue()));
        switch (schema.type()) {
            case STRUCT -> {
                ArrayNode fields = out.putArray("fields");
                for (Field f : schema.fields()) {
                    ObjectNode field = fields.addObject();
                    field.put("name", f.name());
                    field.put("index", f.index());
                    field.set("schema", schema(f.schema()));
                }
            }
            case MAP -> {
                out.set("keySchema", schema(schema.keySchema()));
                out.set("valueSchema", schema(schema.valueSchema()));
            }
            case ARRAY -> out.set("valueSchema", schema(schema.valueSchema()));
            default -> { }
        }
        return out;
    }

    static JsonNode value(Object v) {
        if (v == null) return F.nullNode();
        ObjectNode out = F.objectNode();
        if (v instanceof Byte b) out.put("int8", b);
        else if (v instanceof Short s) out.put("int16", s);
        else if (v instanceof Integer i) out.put("int32", i);
        else if (v instanceof Long l) out.put("int64", Long.toString(l));
        else if (v instanceof Float f) {
            out.put("float32", Float.toString(f));
            out.put("bits", String.format("%08x", Float.floatToRawIntBits(f)));
        } else if (v instanceof Double d) {
            out.put("float64", Double.toString(d));
            out.put("bits", String.format("%016x", Double.doubleToRawLongBits(d)));
        } else if (v instanceof Boolean b) out.put("boolean", b);
        else if (v instanceof String s) out.put("string", s);
        else if (v instanceof byte[] bytes) out.put("bytes", Base64.getEncoder().encodeToString(bytes));
        else if (v instanceof ByteBuffer buf) {
            byte[] bytes = new byte[buf.remaining()];
            buf.duplicate().get(bytes);
            out.put("bytes", Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof BigDecimal d) {
            out.put("decimal", d.toString());
            out.put("unscaled", d.unscaledValue().toString());
            out.put("scale", d.scale());
        } else if (v instanceof java.util.Date d) out.put("date", d.getTime());
        else if (v instanceof List<?> list) {
            ArrayNode items = out.putArray("array");
            for (Object item : list) items.add(value(item));
        } else if (v instanceof Map<?, ?> map) {
            ArrayNode entries = out.putArray("map");
            List<ArrayNode> pairs = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) pairs.add(F.arrayNode().add(value(e.getKey())).add(value(e.getValue())));
            // A HashMap's order depends on identity hash codes (Schema.Type is an enum): sort it, so
            // that the file is the same on every run. A LinkedHashMap keeps its meaningful order.
            if (!(map instanceof LinkedHashMap)) pairs.sort(Comparator.comparing(p -> p.get(0).toString()));
            pairs.forEach(entries::add);
        } else if (v instanceof Struct struct) {
            ArrayNode entries = out.putArray("struct");
            for (Field f : struct.schema().fields()) entries.addArray().add(f.name()).add(value(struct.getWithoutDefault(f.name())));
        } else {
            out.put("javaClass", v.getClass().getName());
            out.put("toString", v.toString());
        }
        return out;
    }

    /** A SchemaAndValue, or JSON null where Kafka returned a null reference instead of one. */
    static JsonNode schemaAndValue(SchemaAndValue sv) {
        if (sv == null) return F.nullNode();
        ObjectNode out = F.objectNode();
        out.set("schema", schema(sv.schema()));
        out.set("value", value(sv.value()));
        return out;
    }

    /** The exception Kafka threw: its class, its message and the messages of its causes. */
    static ObjectNode error(Throwable t) {
        ObjectNode out = F.objectNode();
        out.put("class", t.getClass().getSimpleName());
        out.put("message", String.valueOf(t.getMessage()));
        ArrayNode causes = null;
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (causes == null) causes = out.putArray("causes");
            causes.add(c.getClass().getSimpleName() + ": " + c.getMessage());
        }
        return out;
    }

    static String hex(byte[] bytes) {
        if (bytes == null) return null;
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }
}
