// The overview's chart configurations, built from the figures the server put in the page
// (pure functions: tests/js/overview.test.mjs runs them without a browser).

const COLOURS = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#64748b"];
const TOP = 15; // people, teams or topics shown per chart; the tables below list them all

export function weekly(data) {
  const labels = data.weeks.map((w) => w.start);
  const w = data.words;
  return {
    conversations: bars(labels, [
      { label: w.conversations, data: data.weeks.map((x) => x.conversations) },
      { label: w.answered, data: data.weeks.map((x) => x.answered) },
    ]),
    ratings: {
      type: "line",
      data: { labels, datasets: [
        { label: w.stars, data: data.weeks.map((x) => x.stars), yAxisID: "stars",
          borderColor: COLOURS[2], backgroundColor: COLOURS[2], spanGaps: true },
        { label: w.rated, data: data.weeks.map((x) => x.rated), yAxisID: "count", type: "bar",
          backgroundColor: COLOURS[6] },
      ] },
      options: { responsive: true, scales: {
        stars: { position: "left", min: 0, max: 5 },
        count: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                 ticks: { precision: 0 } },
      } },
    },
    consent: bars(labels, [
      { label: w.granted, data: data.weeks.map((x) => x.granted) },
      { label: w.refused, data: data.weeks.map((x) => x.refused) },
      { label: w.not_asked, data: data.weeks.map((x) => x.not_asked) },
    ], { stacked: true, colours: [COLOURS[1], COLOURS[3], COLOURS[6]] }),
  };
}

// Stories by state, stacked, one bar per person, team or topic (the TOP with most stories).
export function stories(rows, states) {
  const shown = rows.slice(0, TOP);
  return bars(shown.map((r) => r.label), states.map((s) => ({
    label: s.label, data: shown.map((r) => r.stories[s.key] || 0),
  })), { stacked: true, horizontal: true });
}

function bars(labels, datasets, { stacked = false, horizontal = false, colours = COLOURS } = {}) {
  const axis = { stacked, beginAtZero: true, ticks: { precision: 0 } };
  return {
    type: "bar",
    data: { labels, datasets: datasets.map((d, i) => ({ ...d, backgroundColor: colours[i % colours.length] })) },
    options: { responsive: true, indexAxis: horizontal ? "y" : "x",
               scales: { x: { ...axis }, y: { ...axis } } },
  };
}
