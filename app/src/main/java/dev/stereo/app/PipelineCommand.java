package dev.stereo.app;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.gst.GlProbe;
import dev.stereo.gst.GraphDescription;
import dev.stereo.gst.GraphPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code stereo pipeline --print}: the graph as a gst-launch-1.0 command, for debugging. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Prints the gst-launch-1.0 equivalent of the graph 'stereo' would build with these options "
                + "(option3), without starting it. Viewer branches are added per viewer at run time; their shape "
                + "is printed as a comment.")
final class PipelineCommand implements Callable<Integer> {

    @Mixin
    SharedOptions options;

    @Option(names = "--print", description = "Print the graph (the only action for now).")
    boolean print;

    @Override
    public Integer call() {
        if (!print) {
            throw new Main.UsageError("nothing to do: use 'stereo pipeline --print'");
        }
        if (!options.pipeline.equals("option3")) {
            throw new Main.UsageError("--print describes the option3 graph; option2 encodes in Java");
        }
        StereoConfig config = options.loadConfig();
        Wiring.initGStreamer();
        GraphPipeline pipeline = (GraphPipeline) Wiring.pipeline("option3", config);
        boolean needsGeometry = !config.left().isIdentityGeometry() || !config.right().isIdentityGeometry();
        GraphDescription graph = pipeline.describe(needsGeometry && GlProbe.works());
        System.out.println("# encoder: " + graph.encoder().element() + " (" + graph.encoder().reason() + ")");
        System.out.println("# per viewer, for each track in m-line order:");
        for (String track : graph.tracks()) {
            System.out.println("#   " + GraphDescription.viewerBranch(track, 96));
        }
        System.out.println("gst-launch-1.0 -e \\");
        String[] lines = graph.launch().split("\n");
        for (int i = 0; i < lines.length; i++) {
            System.out.println("  " + lines[i].replace("\"", "\\\"") + (i < lines.length - 1 ? " \\" : ""));
        }
        return 0;
    }
}
