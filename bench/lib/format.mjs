// Plain-text tables and number formats shared by the bench scripts.

/** Prints `rows` (arrays of cells) under `headers` as an aligned Markdown table (pastes into a README as is). */
export function printTable(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}

export const int = (n) => String(Math.round(n));
export const fixed = (n, digits = 2) => n.toFixed(digits);
export const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
