/**
 * `npm run crds`: extracts the CRDs of every add-on release in src/addons/catalogue.ts from its
 * Go module zip (`go mod download -json MODULE@VERSION`, pinned by version and checked against
 * the Go checksum database by go itself) into crds/<addon>/<release>.json, the compact form
 * synth validates against without Go or network (schemas without descriptions, which versions
 * are served). Longhorn publishes no module; its artifact is made from imports/longhorn.ts.
 *
 * `npm run crds -- --check` writes nothing and exits 1 when a committed artifact differs from
 * what the pinned modules give. `npm run crds -- --print-files ADDON RELEASE` prints the full
 * CRD files of one release (the module cache paths), which the cluster tests install.
 */
import { runCrdsCommand } from '../src/cli/crds-command';

void runCrdsCommand(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
