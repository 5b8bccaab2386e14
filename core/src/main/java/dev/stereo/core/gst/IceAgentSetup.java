package dev.stereo.core.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.glib.Natives;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * Configures the libnice agent inside a webrtcbin: never UPnP (an appliance must not open
 * ports on the user's router, nor multicast SSDP queries on every viewer join), and a 127.0.0.1
 * candidate on a host whose only interface is loopback.
 *
 * <p>libnice never gathers on loopback interfaces unless addresses are added explicitly, so in
 * a loopback-only network namespace (the tests', or a Pi with its network down and a local
 * viewer) webrtcbin would offer no candidate at all and ICE could never connect. When any other
 * interface is up, nothing is changed: libnice picks the LAN addresses as usual.
 */
public final class IceAgentSetup {

    private interface GObjectLib extends Library {
        void g_object_get(Pointer object, String property, PointerByReference value, Pointer end);

        void g_object_set(Pointer object, String property, boolean value, Pointer end);

        void g_object_unref(Pointer object);
    }

    private interface NiceLib extends Library {
        Pointer nice_address_new();

        boolean nice_address_set_from_string(Pointer address, String text);

        boolean nice_agent_add_local_address(Pointer agent, Pointer address);

        void nice_address_free(Pointer address);
    }

    private static final class Libs {
        static final GObjectLib GOBJECT = Native.load("gobject-2.0", GObjectLib.class);
        static final NiceLib NICE = Native.load("nice", NiceLib.class);
    }

    private IceAgentSetup() {}

    /** True when every interface that is up is a loopback interface. */
    public static boolean onlyLoopback() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    return false;
                }
            }
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * Turns UPnP off in {@code webrtcbin}'s ICE agent and adds 127.0.0.1 when the host has only
     * loopback. Call before the remote description is set (gathering starts then).
     *
     * @return whether the loopback address was added
     */
    public static boolean apply(Element webrtcbin) {
        boolean loopbackOnly = onlyLoopback();
        PointerByReference ice = new PointerByReference();
        Libs.GOBJECT.g_object_get(Natives.getRawPointer(webrtcbin), "ice-agent", ice, null);
        if (ice.getValue() == null) {
            return false;
        }
        try {
            PointerByReference agent = new PointerByReference();
            Libs.GOBJECT.g_object_get(ice.getValue(), "agent", agent, null);
            if (agent.getValue() == null) {
                return false;
            }
            try {
                Libs.GOBJECT.g_object_set(agent.getValue(), "upnp", false, null);
                if (!loopbackOnly) {
                    return false;
                }
                Pointer address = Libs.NICE.nice_address_new();
                try {
                    return Libs.NICE.nice_address_set_from_string(address, "127.0.0.1")
                            && Libs.NICE.nice_agent_add_local_address(agent.getValue(), address);
                } finally {
                    Libs.NICE.nice_address_free(address); // the agent keeps its own copy
                }
            } finally {
                Libs.GOBJECT.g_object_unref(agent.getValue());
            }
        } finally {
            Libs.GOBJECT.g_object_unref(ice.getValue());
        }
    }
}
