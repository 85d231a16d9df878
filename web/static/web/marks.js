// Progressive enhancement of marking and of the chat; every page works without this file.

// A mark's confirmation offers Undo for a few seconds (data-undo-seconds), then leaves; never while the
// pointer or the keyboard is in it, so nobody loses it mid-action.
function watchNote(note) {
  if (note.dataset.watched) return;
  note.dataset.watched = "true";
  const seconds = Number(note.dataset.undoSeconds || 0);
  if (!seconds) return;
  let timer = null;
  const busy = () => note.matches(":hover") || note.contains(document.activeElement);
  const leave = () => {
    if (!note.isConnected) return;
    if (busy()) {
      schedule(2000);
      return;
    }
    const slot = note.closest(".mark-slot");
    (slot || note).remove();
  };
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(leave, ms);
  };
  schedule(seconds * 1000);
}

function watchNotes(root) {
  root.querySelectorAll(".mark-note[data-undo-seconds]").forEach(watchNote);
}

document.addEventListener("DOMContentLoaded", () => watchNotes(document));
document.addEventListener("htmx:load", (event) => watchNotes(event.detail.elt.parentElement || document));

// The chat: Enter sends, Shift+Enter starts a new line (and nothing is sent mid-composition of a character).
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || !(box instanceof HTMLTextAreaElement)) return;
  const form = box.closest("#chat-form");
  if (!form || !box.value.trim()) return;
  event.preventDefault();
  form.requestSubmit();
});

// The chat: the page scrolls to the answer just added.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "conversation") return;
  const answers = event.detail.target.querySelectorAll(".exchange");
  const latest = answers[answers.length - 1];
  if (latest) latest.scrollIntoView({ block: "start" });
});
