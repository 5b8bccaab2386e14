package dev.stereo.dualtrack;

/**
 * One H.264 NAL unit inside an {@link AccessUnit}'s bytes: where its payload (header byte
 * onwards, start code excluded, trailing zero bytes excluded) lies and its type.
 *
 * @param type nal_unit_type (1 = non-IDR slice, 5 = IDR slice, 6 = SEI, 7 = SPS, 8 = PPS, 9 = AUD)
 * @param offset index of the NAL header byte in the access unit's data
 * @param length payload length in bytes, header byte included
 */
public record NalUnit(int type, int offset, int length) {

    public static final int SLICE = 1;
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;
    public static final int END_OF_SEQUENCE = 10;
    public static final int END_OF_STREAM = 11;

    /** Coded slice of a picture (types 1..5): what a decoder turns into pixels. */
    public boolean isVcl() {
        return isVcl(type);
    }

    static boolean isVcl(int type) {
        return type >= 1 && type <= 5;
    }
}
