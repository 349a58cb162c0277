package io.metricstream.contracts.frame;

import io.metricstream.contracts.error.ErrorCode;
import io.metricstream.contracts.wire.WireReader;
import io.metricstream.contracts.wire.WireWriter;
import io.netty.buffer.ByteBuf;

/**
 * Framing of the binary protocols (docs/format/frames.md). Every frame starts with an int32 length of the
 * bytes that follow it. Requests and responses are pipelined: a client may send many requests before any
 * answer, and matches answers to requests by correlation id (answers may arrive out of order, e.g. a
 * long-polling fetch behind a produce).
 * <pre>
 * request                               response
 *   0  int32 length                       0  int32 length
 *   4  int16 apiKey                       4  int32 correlationId
 *   6  int16 version (1)                  8  int16 errorCode   (0 = NONE; otherwise body = string16 message)
 *   8  int32 correlationId                10 int8  flags       (bit 0 MORE: further frames follow for this id)
 *   12 body                               11 body
 * </pre>
 */
public final class FrameDescriptor {
    /** int32: bytes after this field. */
    public static final int LENGTH_AT = 0;
    /** Request: int16 api key. */
    public static final int API_KEY_AT = LENGTH_AT + 4;
    /** Request: int16 api version. */
    public static final int VERSION_AT = API_KEY_AT + 2;
    /** Request: int32 correlation id. */
    public static final int REQUEST_CORRELATION_ID_AT = VERSION_AT + 2;
    /** Request body starts here. */
    public static final int REQUEST_HEADER_LENGTH = REQUEST_CORRELATION_ID_AT + 4;
    /** Response: int32 correlation id. */
    public static final int RESPONSE_CORRELATION_ID_AT = LENGTH_AT + 4;
    /** Response: int16 error code. */
    public static final int ERROR_CODE_AT = RESPONSE_CORRELATION_ID_AT + 4;
    /** Response: int8 flags. */
    public static final int FLAGS_AT = ERROR_CODE_AT + 2;
    /** Response body starts here. */
    public static final int RESPONSE_HEADER_LENGTH = FLAGS_AT + 1;
    /** Response flag: more frames follow for the same correlation id (streamed SELECT). */
    public static final byte FLAG_MORE = 1;
    /** The protocol version every API speaks today. */
    public static final short VERSION = 1;
    /** Default bound on one frame: 16 MiB; servers and clients reject longer frames before reading them. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

    private FrameDescriptor() {
    }

    /** Writes a request header with a placeholder length; returns the frame start index for {@link #finish}. */
    public static int beginRequest(final ByteBuf out, final ApiKey apiKey, final int correlationId) {
        final int start = out.writerIndex();
        out.writeInt(0);
        out.writeShort(apiKey.id());
        out.writeShort(VERSION);
        out.writeInt(correlationId);
        return start;
    }

    /** Writes a response header with a placeholder length; returns the frame start for {@link #finish}. */
    public static int beginResponse(final ByteBuf out, final int correlationId, final ErrorCode error,
                                    final boolean more) {
        final int start = out.writerIndex();
        out.writeInt(0);
        out.writeInt(correlationId);
        out.writeShort(error.code());
        out.writeByte(more ? FLAG_MORE : 0);
        return start;
    }

    /** Patches the length field of the frame that starts at {@code start}, ending at the writer index. */
    public static void finish(final ByteBuf out, final int start) {
        out.setInt(start + LENGTH_AT, out.writerIndex() - start - 4);
    }

    /** Writes a whole error response: header with {@code error} and a string16 message body. */
    public static void writeError(final ByteBuf out, final int correlationId, final ErrorCode error,
                                  final String message) {
        final int start = beginResponse(out, correlationId, error, false);
        final String bounded = message.length() > 4000 ? message.substring(0, 4000) : message;
        WireWriter.string16(out, bounded);
        finish(out, start);
    }

    /** Api key id of the request frame at {@code at}. */
    public static int apiKey(final ByteBuf frame, final int at) {
        return frame.getShort(at + API_KEY_AT);
    }

    /** Version of the request frame at {@code at}. */
    public static int version(final ByteBuf frame, final int at) {
        return frame.getShort(at + VERSION_AT);
    }

    /** Correlation id of the request frame at {@code at}. */
    public static int requestCorrelationId(final ByteBuf frame, final int at) {
        return frame.getInt(at + REQUEST_CORRELATION_ID_AT);
    }

    /** Points {@code reader} at the body of the whole request frame that starts at {@code at} (the frame's end). */
    public static WireReader wrapRequestBody(final WireReader reader, final ByteBuf frame, final int at) {
        final int bodyAt = at + REQUEST_HEADER_LENGTH;
        return reader.wrap(frame, bodyAt, frame.writerIndex() - bodyAt);
    }

    /** Correlation id of the response frame at {@code at}. */
    public static int responseCorrelationId(final ByteBuf frame, final int at) {
        return frame.getInt(at + RESPONSE_CORRELATION_ID_AT);
    }

    /** Error code of the response frame at {@code at}. */
    public static ErrorCode errorCode(final ByteBuf frame, final int at) {
        return ErrorCode.fromCode(frame.getShort(at + ERROR_CODE_AT));
    }

    /** Whether more frames follow the response frame at {@code at}. */
    public static boolean more(final ByteBuf frame, final int at) {
        return (frame.getByte(at + FLAGS_AT) & FLAG_MORE) != 0;
    }
}
