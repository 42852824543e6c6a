// Reads a Parquet file with hyparquet (an independent JavaScript reader; hyparquet-compressors
// for GZIP and ZSTD) and prints it as JSON for tests/core/ParquetFileTest.cpp to compare with
// teramind's reader: {"rowGroups": [rows...], "codecs": [...], "encodings": [...],
// "pageTypes": [...], "columns": {name: [values...]}}. INT64 values are printed as decimal
// strings (exact), other numbers as JSON numbers, nulls as null.
//
// usage: node read-parquet.mjs FILE   (no FILE: exits 0 when the packages load)
// Exits 3 when a package is missing.
import fs from 'node:fs'

let hyparquet, compressors
try {
  hyparquet = await import('hyparquet')
  ;({ compressors } = await import('hyparquet-compressors'))
} catch (e) {
  console.error(`hyparquet or hyparquet-compressors is missing ` +
                `(run tests/tools/install-node-packages.sh): ${e.message}`)
  process.exit(3)
}
const file = process.argv[2]
if (!file) process.exit(0)

const bytes = fs.readFileSync(file)
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
const metadata = hyparquet.parquetMetadata(buffer)
const codecs = new Set()
const encodings = new Set()
const pageTypes = new Set()
for (const group of metadata.row_groups) {
  for (const chunk of group.columns) {
    codecs.add(chunk.meta_data.codec)
    for (const e of chunk.meta_data.encodings) encodings.add(e)
    for (const s of chunk.meta_data.encoding_stats ?? []) pageTypes.add(s.page_type)
  }
}
const rows = await hyparquet.parquetReadObjects({ file: buffer, compressors })
const names = metadata.schema.slice(1).map(e => e.name)
const columns = {}
for (const name of names) {
  columns[name] = rows.map(row => {
    const v = row[name]
    if (v === null || v === undefined) return null
    if (typeof v === 'bigint') return v.toString()
    return v
  })
}
console.log(JSON.stringify({
  rowGroups: metadata.row_groups.map(g => Number(g.num_rows)),
  codecs: [...codecs],
  encodings: [...encodings],
  pageTypes: [...pageTypes],
  columns,
}))
