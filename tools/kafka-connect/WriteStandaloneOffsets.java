// Writes test/fixtures/vectors/kafka-connect-4.1.1-standalone.offsets with Kafka Connect's own
// FileOffsetBackingStore and JsonConverter, as a standalone worker's OffsetStorageWriter does
// (key: the converter's bytes of [connector, partition]; value: those of the offset), so the
// importer's unit tests read the real format. Run from the repository root (Java 11+):
//   java -cp '.cache/kafka-connect/4.1.1/libs/*' tools/kafka-connect/WriteStandaloneOffsets.java <out-file>
import java.nio.ByteBuffer;
import java.util.*;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

public class WriteStandaloneOffsets {
    public static void main(String[] args) throws Exception {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "false"), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:9092");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.storage.file.filename", args[0]);
        FileOffsetBackingStore store = new FileOffsetBackingStore(keys);
        store.configure(new StandaloneConfig(props));
        store.start();
        Map<ByteBuffer, ByteBuffer> offsets = new LinkedHashMap<>();
        put(offsets, keys, values, "file-source", Map.of("filename", "/data/in.txt"), Map.of("position", 1234L));
        put(offsets, keys, values, "orders-\uD83D\uDCE6", Map.of("filename", "/data/in-\uD83D\uDCE6.txt"), Map.of("position", 99L));
        put(offsets, keys, values, "orders-\uD83D\uDCE6", Map.of("filename", "/data/ctl-\u001f.txt"), Map.of("position", 7L));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 42L);
        row.put("ts", 1700000000000L);
        put(offsets, keys, values, "pg", Map.of("table", "public.orders"), row);
        store.set(offsets, null).get();
        // A reset partition: Kafka Connect keeps its key with a null offset (a tombstone).
        Map<ByteBuffer, ByteBuffer> reset = new HashMap<>();
        reset.put(ByteBuffer.wrap(keys.fromConnectData("reset", null, Arrays.asList("reset", Map.of("filename", "/data/gone.txt")))), null);
        store.set(reset, null).get();
        store.stop();
    }

    static void put(Map<ByteBuffer, ByteBuffer> offsets, JsonConverter keys, JsonConverter values, String connector, Map<String, Object> partition, Map<String, Object> offset) {
        byte[] key = keys.fromConnectData(connector, null, Arrays.asList(connector, partition));
        byte[] value = values.fromConnectData(connector, null, offset);
        offsets.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
    }
}
