package dev.connectd.vectors;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TimeZone;

/**
 * Writes connectd's converter test vectors from the real Kafka Connect classes.
 * Usage: GenerateVectors <output directory>.
 */
public final class GenerateVectors {
    private GenerateVectors() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: GenerateVectors <output directory>");
        // Values.convertToString/parseString format and parse dates with SimpleDateFormat in the
        // JVM's default zone; Kafka Connect's own tests pin UTC, and so does connectd.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        Path out = Path.of(args[0]).toAbsolutePath().normalize();
        Files.createDirectories(out);
        // -Dvectors.only=number-text: a second run on a newer JDK adds only its number-text file
        // (the other files hold HashMap iteration orders, which differ between JDKs).
        if (!"number-text".equals(System.getProperty("vectors.only"))) {
            write(out.resolve("json-converter.json"), JsonVectors.build());
            write(out.resolve("number-converters.json"), OtherVectors.numbers());
            write(out.resolve("string-converter.json"), OtherVectors.strings());
            write(out.resolve("simple-header-converter.json"), OtherVectors.headers());
        }
        // Double.toString changed in JDK 19 (shortest digits, JDK-4511638): one file per Java version.
        write(out.resolve("java-number-text-" + Runtime.version().feature() + ".json"), NumberTextVectors.build());
        System.out.println("wrote vectors to " + out + " (Java " + System.getProperty("java.version") + ")");
    }

    private static void write(Path file, JsonNode node) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        String text = new ObjectMapper().writer(printer).writeValueAsString(node) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
