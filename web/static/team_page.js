/* The team page's buttons: "Ask the developers" and "Ask <name>" open the widget addressed to
 * that team or person (window.Matchmaker.ask, from the widget loader this page includes). */

for (const button of document.querySelectorAll("#team-page .makers-ask")) {
  button.addEventListener("click", () => {
    const target = button.dataset.team ? { team: button.dataset.team } : { person: Number(button.dataset.person) };
    if (window.Matchmaker && typeof window.Matchmaker.ask === "function") {
      window.Matchmaker.ask(target);
      return;
    }
    // No loader (blocked or not loaded yet): the widget on its own page, addressed the same way.
    const query = new URLSearchParams({ lang: document.documentElement.lang || "", page: location.href });
    query.set(target.team ? "team" : "person", String(target.team || target.person));
    location.assign(`/widget?${query}`);
  });
}
