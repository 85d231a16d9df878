// Progressive enhancement only: every page works without this file.
// On a narrow screen, Discover's filters start folded (unless some are set or need fixing), so the titles
// come first; the "Filters" summary unfolds them.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("details.filters-panel");
  if (panel && !("keepOpen" in panel.dataset) && window.matchMedia("(max-width: 56rem)").matches) {
    panel.open = false;
  }
});

// A chat message sent with htmx leaves the box empty for the next one (a listener here rather than an
// hx-on attribute: the Content-Security-Policy allows no inline script, and htmx runs without eval).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form.id === "chat-form") {
    form.querySelector("textarea").value = "";
  }
});
