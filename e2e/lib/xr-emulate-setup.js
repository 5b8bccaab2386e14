// Test-only: served to the product page at /xr-emulate/setup.js by e2e/xr.mjs (page.route),
// never by the appliance. Emulates a Meta Quest 3 in stereo with IWER (TESTING.md).
import { XRDevice, metaQuest3 } from '/xr-emulate/iwer.module.js';

const device = new XRDevice(metaQuest3, { stereoEnabled: true });
device.installRuntime({ forceInstall: true });
window.__iwerDevice = device;
