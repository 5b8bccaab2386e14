package dev.stereo.camera;

/**
 * Smooth value noise that wraps horizontally, so textures built from it tile seamlessly when the
 * test scene scrolls them. Used only while a {@link TestScene} precomputes its textures
 * (constructor time, any thread); never per frame.
 */
final class ValueNoise {

    private final long seed;

    ValueNoise(long seed) {
        this.seed = seed;
    }

    /**
     * Noise in [0, 1) at lattice coordinates (x, y); x wraps with period {@code periodX} lattice
     * cells.
     */
    double at(double x, double y, int periodX) {
        double fx = Math.floor(x);
        double fy = Math.floor(y);
        int ix = Math.floorMod((long) fx, periodX);
        int ix1 = (ix + 1) % periodX;
        long iy = (long) fy;
        double tx = smooth(x - fx);
        double ty = smooth(y - fy);
        double a = lattice(ix, iy);
        double b = lattice(ix1, iy);
        double c = lattice(ix, iy + 1);
        double d = lattice(ix1, iy + 1);
        return lerp(lerp(a, b, tx), lerp(c, d, tx), ty);
    }

    /**
     * Fractal sum of {@code octaves} layers, each twice the frequency (and twice the wrap period)
     * of the one before at half the amplitude; normalised to [0, 1).
     */
    double fractal(double x, double y, int periodX, int octaves) {
        double sum = 0;
        double amp = 1;
        double norm = 0;
        for (int o = 0; o < octaves; o++) {
            sum += amp * at(x, y, periodX);
            norm += amp;
            x *= 2;
            y *= 2;
            periodX *= 2;
            amp *= 0.5;
        }
        return sum / norm;
    }

    private double lattice(long ix, long iy) {
        long h = seed ^ (ix * 0x9E3779B97F4A7C15L) ^ (iy * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
