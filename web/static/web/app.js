// Progressive enhancement only: every page works without this file.
// On a narrow screen, Discover's filters start folded (unless some are set or need fixing), so the titles
// come first; the "Filters" summary unfolds them.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("details.filters-panel");
  if (panel && !("keepOpen" in panel.dataset) && window.matchMedia("(max-width: 56rem)").matches) {
    panel.open = false;
  }
});
