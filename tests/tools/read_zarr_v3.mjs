// An independent Zarr v3 reader (zarrita, with its own sharding, blosc and crc32c codecs) over
// a teramind OME-Zarr NGFF 0.5 store: prints the NGFF version and, per level, the shape and a
// SHA-256 of the whole array's bytes in C order, for the tests to compare with python3-zarr's
// reading of the same job written as Zarr v2.
//
// usage: node read_zarr_v3.mjs STORE.zarr
// Exit 3 when zarrita is not installed (tests/tools/install-node-packages.sh installs it).
import { createHash } from "node:crypto";

let zarr, FileSystemStore;
try {
  zarr = await import("zarrita");
  ({ default: FileSystemStore } = await import("@zarrita/storage/fs"));
} catch (e) {
  console.error(`zarrita is not installed (run tests/tools/install-node-packages.sh): ${e.message}`);
  process.exit(3);
}

const path = process.argv[2];
if (!path) {
  console.error("usage: node read_zarr_v3.mjs STORE.zarr");
  process.exit(2);
}
const root = zarr.root(new FileSystemStore(path));
const group = await zarr.open.v3(root, { kind: "group" });
const ome = group.attrs.ome;
if (!ome || ome.version !== "0.5") throw new Error(`${path}: not NGFF 0.5 (${JSON.stringify(ome)})`);
const datasets = ome.multiscales[0].datasets;
console.log(`ngff: ${ome.version}`);
console.log(`axes: ${ome.multiscales[0].axes.map((a) => a.name).join(",")}`);
console.log(`levels: ${datasets.length}`);
for (const dataset of datasets) {
  const array = await zarr.open.v3(root.resolve(dataset.path), { kind: "array" });
  const { data, shape } = await zarr.get(array);
  if (array.dtype !== "uint8") throw new Error(`level ${dataset.path}: ${array.dtype}, not uint8`);
  const digest = createHash("sha256").update(data).digest("hex");
  console.log(`level ${dataset.path}: shape ${shape.join(",")} sha256 ${digest}`);
}
