// Progressive enhancement only: every page works without this file.
// On a narrow screen, Discover's filters start folded (unless some are set or need fixing), so the titles
// come first; the "Filters" summary unfolds them.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("details.filters-panel");
  if (panel && !("keepOpen" in panel.dataset) && window.matchMedia("(max-width: 56rem)").matches) {
    panel.open = false;
  }
});

// On a narrow screen a title page's summary and credits start folded too, so its buttons and ratings come first;
// they unfold again if the screen becomes wide, where their summary line is hidden.
document.addEventListener("DOMContentLoaded", () => {
  const narrow = window.matchMedia("(max-width: 56rem)");
  const folding = document.querySelectorAll("details[data-fold-narrow]");
  folding.forEach((details) => { if (narrow.matches) details.open = false; });
  narrow.addEventListener("change", (event) => {
    if (!event.matches) folding.forEach((details) => { details.open = true; });
  });
});

// A chat message sent with htmx leaves the box empty for the next one (a listener here rather than an
// hx-on attribute: the Content-Security-Policy allows no inline script, and htmx runs without eval).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form.id === "chat-form") {
    form.querySelector("textarea").value = "";
  }
});

// Escape folds the phone's open menu and puts the keyboard back on its button.
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector("details.menu[open]");
  if (event.key === "Escape" && menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

// A "Copy" button copies the text of the box it names; it stays hidden where no script runs (the box's text
// can be selected by hand there).
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(source.value).then(() => {
      button.setAttribute("aria-live", "polite");
      button.textContent = button.dataset.copied || button.textContent;
    });
  });
});
