package dev.sparkprop.driver.model;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code weights.bin} format, for a model's flat parameter array and for other arrays of
 * doubles beside it (a checkpoint's optimizer state and best weights). Little-endian throughout,
 * exactly {@code 20 + 8N} bytes:
 * <pre>
 * offset   bytes  content
 * 0        8      magic: ASCII "SPKPW001"
 * 8        4      int32 N, the number of values
 * 12       8N     N float64 (IEEE 754), for a model in {@link dev.sparkprop.nn.ParameterLayout} order
 * 12+8N    8      int64: CRC32 ({@link CRC32}, the zlib polynomial) of the 8N value bytes, upper 32 bits zero
 * </pre>
 * Reading treats the file as untrusted: the count must be the one expected, the length must
 * match it before anything is allocated, and the CRC must match the values.
 */
public final class WeightsCodec {

    private static final byte[] MAGIC = "SPKPW001".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + 4;
    private static final int CHUNK_BYTES = 1 << 16;

    private WeightsCodec() {
    }

    /** Writes {@code values} as a new file. */
    public static void write(FileSystem fs, Path file, double[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        try (OutputStream out = fs.create(file, false)) {
            buffer.put(MAGIC).putInt(values.length);
            out.write(buffer.array(), 0, buffer.position());
            for (int i = 0; i < values.length; ) {
                int n = Math.min(CHUNK_BYTES / Double.BYTES, values.length - i);
                buffer.clear();
                buffer.asDoubleBuffer().put(values, i, n);
                crc.update(buffer.array(), 0, n * Double.BYTES);
                out.write(buffer.array(), 0, n * Double.BYTES);
                i += n;
            }
            buffer.clear();
            buffer.putLong(crc.getValue());
            out.write(buffer.array(), 0, Long.BYTES);
        }
    }

    /**
     * Reads a file {@link #write} wrote.
     *
     * @param status      the file's, for its path and length
     * @param expected    the number of values it must hold
     * @param expectation why, for the message, e.g. {@code metadata.json says network.parameters = 43}
     * @throws IllegalArgumentException naming the file and the problem: another magic, another
     *         count, a truncated file, trailing bytes, a CRC that does not match
     */
    public static double[] read(FileSystem fs, FileStatus status, int expected, String expectation)
            throws IOException {
        Path file = status.getPath();
        long length = status.getLen();
        long expectedLength = HEADER_BYTES + (long) Double.BYTES * expected + Long.BYTES;
        byte[] buffer = new byte[CHUNK_BYTES];
        try (DataInputStream in = new DataInputStream(fs.open(file))) {
            in.readFully(buffer, 0, HEADER_BYTES);
            if (!Arrays.equals(buffer, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IllegalArgumentException(file + " is not a sparkprop weights file: it does not start with "
                        + new String(MAGIC, StandardCharsets.US_ASCII));
            }
            int count = ByteBuffer.wrap(buffer, MAGIC.length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (count != expected) {
                throw new IllegalArgumentException(file + " holds " + count + " values but " + expectation);
            }
            // Checked before allocating, so a short hostile file cannot make us allocate for a huge count.
            if (length < expectedLength) {
                throw truncated(file, length, expectedLength);
            }
            if (length > expectedLength) {
                throw new IllegalArgumentException(file + " has " + (length - expectedLength)
                        + " trailing bytes after its checksum; it is not a file sparkprop wrote");
            }
            double[] values = new double[count];
            CRC32 crc = new CRC32();
            for (int i = 0; i < count; ) {
                int n = Math.min(CHUNK_BYTES / Double.BYTES, count - i);
                in.readFully(buffer, 0, n * Double.BYTES);
                crc.update(buffer, 0, n * Double.BYTES);
                ByteBuffer.wrap(buffer, 0, n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
                        .get(values, i, n);
                i += n;
            }
            in.readFully(buffer, 0, Long.BYTES);
            long stored = ByteBuffer.wrap(buffer, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (stored != crc.getValue()) {
                throw new IllegalArgumentException(file + " is corrupt: its CRC32 says " + Long.toHexString(stored)
                        + " but the values give " + Long.toHexString(crc.getValue()));
            }
            return values;
        } catch (EOFException e) {
            throw truncated(file, length, expectedLength);
        }
    }

    private static IllegalArgumentException truncated(Path file, long length, long expectedLength) {
        return new IllegalArgumentException(file + " is truncated: " + length + " bytes where the model needs "
                + expectedLength);
    }
}
