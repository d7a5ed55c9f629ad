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
