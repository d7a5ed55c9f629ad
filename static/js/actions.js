// Small page actions without inline handlers (the Content-Security-Policy forbids them):
// <button data-copy="element-id"> copies that field's value; <a data-print> prints the page.
document.addEventListener("click", function (event) {
  var copy = event.target.closest("[data-copy]");
  if (copy) {
    var field = document.getElementById(copy.dataset.copy);
    if (field && navigator.clipboard) navigator.clipboard.writeText(field.value);
    return;
  }
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
// <input data-select-all> selects its whole value when focused (a link to copy).
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-all]")) event.target.select();
});
// A form sent back with errors far down a long page (the participant list's "Reject" of the
// 80th person, a meeting's "Cancel" in the grid): the first error is brought into view and
// its field focused, so the person sees at once that nothing was saved and why.
document.addEventListener("DOMContentLoaded", function () {
  var marks = document.querySelectorAll('[aria-invalid="true"], .field-error, .form-error[role="alert"]');
  for (var i = 0; i < marks.length; i++) {
    var mark = marks[i];
    if (!mark.getClientRects().length) continue; // hidden
    var box = mark.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) mark.scrollIntoView({ block: "center" });
    var field = mark.matches('[aria-invalid="true"]') ? mark : null;
    if (!field && mark.id) field = document.querySelector('[aria-describedby~="' + mark.id + '"]');
    if (field && field.focus) field.focus({ preventScroll: true });
    return;
  }
});
