// Writes Parquet files with two independent writers for tests/core/ParquetFileTest.cpp:
// hyparquet-writer (JavaScript; data page v2, dictionaries, delta encodings) and parquet-wasm
// (the Rust `parquet` crate compiled to WebAssembly; data page v1 or v2, every codec).
//
// usage: node write-parquet.mjs OUTDIR [ROWS]  writes OUTDIR/*.parquet (ROWS rows, default 2500,
//                                              in 3 row groups) and prints their names
//        node write-parquet.mjs                exits 0 when the packages load (a probe)
// Exits 3 when a package is missing (tests/tools/install-node-packages.sh installs them).
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

let parquetWriteBuffer, arrow, wasm
try {
  ({ parquetWriteBuffer } = await import('hyparquet-writer'))
  arrow = await import('apache-arrow')
  wasm = await import('parquet-wasm/node')
} catch (e) {
  console.error(`hyparquet-writer, apache-arrow or parquet-wasm is missing ` +
                `(run tests/tools/install-node-packages.sh): ${e.message}`)
  process.exit(3)
}
const outDir = process.argv[2]
if (!outDir) process.exit(0)
fs.mkdirSync(outDir, { recursive: true })

// The table: every physical type the readers use, nulls, a dictionary-friendly string column
// and a unique one. Values are exact in a double (the test compares them as such).
const rows = Number(process.argv[3] ?? 2500)
const rowGroupSize = Math.ceil(rows / 2.5)
const genes = Array.from({ length: 40 }, (_, g) => `Gene_${String(g).padStart(2, '0')}`)
const range = f => Array.from({ length: rows }, (_, i) => f(i))
const data = {
  i32: range(i => ((i * 7919) % 20001) - 10000),
  i64: range(i => BigInt(i) * 1234567891n - 10n ** 12n),
  f32: range(i => Math.fround(i * 0.25 - 100.125)),
  f64: range(i => Math.sin(i) * 1000),
  gene: range(i => genes[(i * 31) % genes.length]),
  label: range(i => `cell-${i}-${'x'.repeat(i % 5)}`),
  flag: range(i => i % 3 === 0),
  opt_f64: range(i => (i % 7 === 0 ? null : i * 1.5)),
  opt_str: range(i => (i % 5 === 0 ? null : genes[i % 13])),
}
const types = {
  i32: 'INT32', i64: 'INT64', f32: 'FLOAT', f64: 'DOUBLE', gene: 'STRING', label: 'STRING',
  flag: 'BOOLEAN', opt_f64: 'DOUBLE', opt_str: 'STRING',
}
const write = (name, bytes) => {
  fs.writeFileSync(path.join(outDir, name), bytes)
  console.log(name)
}

// --- hyparquet-writer: data page v2; several pages a chunk (small pages), 3 row groups ---
const hyparquetFile = (name, codec, encodings = {}) => {
  const columnData = Object.keys(data).map(column => ({
    name: column,
    data: data[column],
    type: types[column],
    nullable: column.startsWith('opt_'),
    ...(encodings[column] ? { encoding: encodings[column] } : {}),
  }))
  const buffer = parquetWriteBuffer({
    columnData,
    codec,
    // zlib (node's) for GZIP; hyparquet-writer brings its own SNAPPY.
    compressors: { GZIP: bytes => new Uint8Array(zlib.gzipSync(bytes)) },
    rowGroupSize,
    pageSize: 2000,
  })
  write(name, new Uint8Array(buffer))
}
hyparquetFile('hyparquet-uncompressed.parquet', 'UNCOMPRESSED')
hyparquetFile('hyparquet-snappy.parquet', 'SNAPPY')
hyparquetFile('hyparquet-gzip.parquet', 'GZIP')
hyparquetFile('hyparquet-delta.parquet', 'UNCOMPRESSED', {
  i32: 'DELTA_BINARY_PACKED', i64: 'DELTA_BINARY_PACKED', f32: 'BYTE_STREAM_SPLIT',
  f64: 'BYTE_STREAM_SPLIT', label: 'DELTA_BYTE_ARRAY', opt_str: 'DELTA_LENGTH_BYTE_ARRAY',
})

// --- parquet-wasm (arrow-rs): data page v1 by default, every codec ---
const A = arrow
const table = new A.Table({
  i32: A.vectorFromArray(data.i32, new A.Int32()),
  i64: A.vectorFromArray(data.i64, new A.Int64()),
  u32: A.vectorFromArray(range(i => 4294967295 - i * 1000), new A.Uint32()),
  f32: A.vectorFromArray(data.f32, new A.Float32()),
  f64: A.vectorFromArray(data.f64, new A.Float64()),
  gene: A.vectorFromArray(data.gene, new A.Utf8()),
  label: A.vectorFromArray(data.label, new A.Utf8()),
  flag: A.vectorFromArray(data.flag, new A.Bool()),
  opt_f64: A.vectorFromArray(data.opt_f64, new A.Float64()),
  opt_str: A.vectorFromArray(data.opt_str, new A.Utf8()),
})
const ipc = A.tableToIPC(table, 'stream')
const wasmFile = (name, compression, version = wasm.WriterVersion.V1) => {
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(compression)
    .setWriterVersion(version)
    .setMaxRowGroupSize(rowGroupSize)
    .setDataPageSizeLimit(2000)
    .build()
  write(name, wasm.writeParquet(wasm.Table.fromIPCStream(ipc), properties))
}
wasmFile('arrow-rs-uncompressed-v1.parquet', wasm.Compression.UNCOMPRESSED)
wasmFile('arrow-rs-snappy-v1.parquet', wasm.Compression.SNAPPY)
wasmFile('arrow-rs-gzip-v1.parquet', wasm.Compression.GZIP)
wasmFile('arrow-rs-zstd-v1.parquet', wasm.Compression.ZSTD)
wasmFile('arrow-rs-zstd-v2.parquet', wasm.Compression.ZSTD, wasm.WriterVersion.V2)
// Codecs the reader refuses.
wasmFile('arrow-rs-lz4raw.parquet', wasm.Compression.LZ4_RAW)
wasmFile('arrow-rs-brotli.parquet', wasm.Compression.BROTLI)

// A nested schema (a list column), which the reader refuses.
const nested = new A.Table({
  id: A.vectorFromArray([1, 2, 3], new A.Int32()),
  tags: A.vectorFromArray([[1, 2], [3], []], new A.List(new A.Field('item', new A.Int32(), true))),
})
write('arrow-rs-nested.parquet',
      wasm.writeParquet(wasm.Table.fromIPCStream(A.tableToIPC(nested, 'stream'))))
