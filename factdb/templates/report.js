(function () {
  "use strict";
  // The filter box: hides the claims, contradictions and speakers whose text lacks a typed word.
  // The page is complete without it; the box stays hidden when scripts do not run.
  var box = document.getElementById("filter");
  if (!box) { return; }
  var input = box.querySelector("input");
  var count = document.getElementById("filter-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-filter");
      var hit = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = words.length ? shown + " of " + items.length + " shown" : "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-speaker]"), function (name) {
    function pick() {
      input.value = name.getAttribute("data-speaker");
      apply();
      box.scrollIntoView();
    }
    name.classList.add("clickable");
    name.setAttribute("role", "button");
    name.setAttribute("title", "Filter by this speaker");
    name.tabIndex = 0;
    name.addEventListener("click", pick);
    name.addEventListener("keydown", function (event) { if (event.key === "Enter") { pick(); } });
  });
  input.addEventListener("input", apply);
  box.hidden = false;
  apply();
}());
