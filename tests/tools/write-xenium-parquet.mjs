// Writes a Xenium transcripts.csv and cell_boundaries.csv as Parquet the way Xenium Onboard
// Analysis lays them out (float32 µm, string feature names and cell ids, several row groups),
// with hyparquet-writer, an independent writer. Usage:
//   node write-xenium-parquet.mjs transcripts.csv cell_boundaries.csv OUT_DIR [NULL_X_ROW]
// With NULL_X_ROW, that row's x_location is written as a null (bad input for the reader).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'

// The fixture's CSVs: quoted or bare fields, no commas inside them.
function readCsv(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0)
  const unquote = (f) => f.replace(/^"(.*)"$/, '$1')
  const header = lines[0].split(',').map(unquote)
  const rows = lines.slice(1).map((l) => l.split(',').map(unquote))
  return (name) => {
    const c = header.indexOf(name)
    if (c < 0) throw new Error(`${file}: no column ${name}`)
    return rows.map((r) => r[c])
  }
}

const [transcriptsCsv, boundariesCsv, out, nullXRow] = process.argv.slice(2)
const t = readCsv(transcriptsCsv)
const float = (name) => t(name).map(Number)
const xs = float('x_location')
if (nullXRow !== undefined) xs[Number(nullXRow)] = null
parquetWriteFile({
  filename: join(out, 'transcripts.parquet'),
  rowGroupSize: 300,
  columnData: [
    { name: 'transcript_id', data: t('transcript_id').map(BigInt), type: 'INT64' },
    { name: 'cell_id', data: t('cell_id'), type: 'STRING' },
    { name: 'overlaps_nucleus', data: t('overlaps_nucleus').map(Number), type: 'INT32' },
    { name: 'feature_name', data: t('feature_name'), type: 'STRING' },
    { name: 'x_location', data: xs, type: 'FLOAT' },
    { name: 'y_location', data: float('y_location'), type: 'FLOAT' },
    { name: 'z_location', data: float('z_location'), type: 'FLOAT' },
    { name: 'qv', data: float('qv'), type: 'FLOAT' },
  ],
})
const b = readCsv(boundariesCsv)
parquetWriteFile({
  filename: join(out, 'cell_boundaries.parquet'),
  rowGroupSize: 20,
  columnData: [
    { name: 'cell_id', data: b('cell_id'), type: 'STRING' },
    { name: 'vertex_x', data: b('vertex_x').map(Number), type: 'FLOAT' },
    { name: 'vertex_y', data: b('vertex_y').map(Number), type: 'FLOAT' },
  ],
})
