// Writes the Parquet files of a SpatialData store for tests/core/SpatialDataStoreTest.cpp with
// hyparquet-writer, a writer independent of our reader. Usage:
//   node write-spatialdata-parquet.mjs SPEC.json
// SPEC: [{"file": PATH, "rowGroupSize": N, "codec": "SNAPPY",
//         "columns": [{"name", "type", "data", "hex": true}]}]
// "hex": the column's values are hex strings written as bytes (WKB geometries); numbers may be
// written "NaN", "Infinity" or "-Infinity" (JSON has no such numbers).
import { readFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const special = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }
for (const file of spec) {
  mkdirSync(dirname(file.file), { recursive: true })
  const columnData = file.columns.map((c) => {
    let data = c.data
    if (c.hex) data = data.map((h) => Uint8Array.from(Buffer.from(h, 'hex')))
    else if (c.type === 'DOUBLE' || c.type === 'FLOAT')
      data = data.map((v) => (typeof v === 'string' ? special[v] : v))
    else if (c.type === 'INT64') data = data.map((v) => BigInt(v))
    return { name: c.name, data, type: c.type, nullable: false }
  })
  parquetWriteFile({
    filename: file.file,
    columnData,
    rowGroupSize: file.rowGroupSize ?? 1000,
    codec: file.codec ?? 'SNAPPY',
  })
}
