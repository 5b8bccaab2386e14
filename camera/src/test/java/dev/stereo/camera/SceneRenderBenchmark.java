package dev.stereo.camera;

import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;

/**
 * Render and stamp cost of the test source, per eye and frame. Not a unit test (timing is never
 * asserted); run by hand:
 *
 * <pre>
 * mvn -q -o -pl camera test-compile
 * java -cp camera/target/classes:camera/target/test-classes:core/target/classes \
 *     dev.stereo.camera.SceneRenderBenchmark 1280 720
 * </pre>
 *
 * Reports thread CPU time next to wall time, so a busy machine (other builds, e2e runs) shows up
 * as a gap between the two rather than as a slow renderer.
 */
public final class SceneRenderBenchmark {

    private SceneRenderBenchmark() {}

    public static void main(String[] args) {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 1280;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 720;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        for (int round = 0; round < 3; round++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            new TestScene(Eye.LEFT, w, h);
            System.out.printf("construct %dx%d (round %d): cpu %.0f ms, wall %.0f ms%n", w, h, round,
                    (mx.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
        }
        TestScene scene = new TestScene(Eye.LEFT, w, h);
        ByteBuffer buf = ByteBuffer.allocateDirect(TestScene.frameBytes(w, h));
        for (int i = 0; i < frames; i++) { // warm-up
            scene.render(buf, i);
            ProbeStamp.stampI420(buf, w, h, 1_767_225_600_000L + i, 0, false);
        }
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            scene.render(buf, i);
        }
        double renderCpu = (mx.getCurrentThreadCpuTime() - cpu) / 1e6 / frames;
        double renderWall = (System.nanoTime() - wall) / 1e6 / frames;
        cpu = mx.getCurrentThreadCpuTime();
        wall = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            ProbeStamp.stampI420(buf, w, h, 1_767_225_600_000L + i, 0, false);
        }
        double stampCpu = (mx.getCurrentThreadCpuTime() - cpu) / 1e6 / frames;
        double stampWall = (System.nanoTime() - wall) / 1e6 / frames;
        System.out.printf("render %dx%d: cpu %.3f ms/frame, wall %.3f ms/frame%n", w, h, renderCpu, renderWall);
        System.out.printf("stamp  %dx%d: cpu %.3f ms/frame, wall %.3f ms/frame%n", w, h, stampCpu, stampWall);
    }
}
