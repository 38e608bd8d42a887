/* Where a line goes in the widget's transcript. Stored messages carry a seq and sort by it among
 * themselves (a late message k, arriving after k+1, goes before k+1); lines without one (what
 * happened: "had to leave", "ended", a message that failed) stay where they were shown, so a
 * message arriving after such a line goes below it; a message still being sent stays last until
 * the server stores it. Pure: no DOM, tested with node --test. */

/**
 * The index to insert a message with `seq` at, given the transcript's lines in order, each
 * `{seq: number | null, pending: boolean}` (null: not a stored message). lines.length: the end.
 */
export function insertionIndex(lines, seq) {
  const at = lines.findIndex((line) => line.pending || (line.seq !== null && line.seq > seq));
  return at === -1 ? lines.length : at;
}
