/* Where a client stands in a conversation's gap-free sequence of messages (seq 1, 2, 3, …).
 * Live events can arrive out of order (two server processes) or not at all (the message queue
 * restarting): a client resumes from the highest *contiguous* seq, and syncs when it sees a
 * hole or hears from the server that it is behind. Shared by the widget and the console. */

/** The highest n such that every seq from 1 to n is in `seen`: where a sync resumes. */
export function contiguousSeq(seen) {
  let n = 0;
  while (seen.has(n + 1)) n += 1;
  return n;
}

/** Whether something above a hole has arrived (a message below it is missing, for now). */
export function hasGap(seen) {
  let highest = 0;
  for (const seq of seen) highest = Math.max(highest, seq);
  return highest > contiguousSeq(seen);
}

/** Whether the server's last seq says this client is missing messages. */
export function behind(seen, serverLastSeq) {
  return Number.isInteger(serverLastSeq) && serverLastSeq > contiguousSeq(seen);
}

/**
 * Run heal() once when a hole is still there after `waitMs` (a late event usually fills it
 * first); calls while one is pending are folded into it.
 */
export function healer(stillNeeded, heal, waitMs = 1000) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      if (stillNeeded()) heal();
    }, waitMs);
  };
}
