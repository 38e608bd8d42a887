// Draws marketing's overview with Chart.js (vendor/chart.umd.min.js, loaded before this).
import { stories, weekly } from "./overview_data.js";

const data = JSON.parse(document.getElementById("overview-data").textContent);
const charts = { ...weekly(data),
  employees: stories(data.employees, data.states),
  teams: stories(data.teams, data.states),
  topics: stories(data.topics, data.states) };
for (const [name, config] of Object.entries(charts)) {
  const canvas = document.getElementById(`chart-${name}`);
  if (canvas) new window.Chart(canvas, config);
}
document.body.dataset.chartsDrawn = String(Object.keys(charts).length);
