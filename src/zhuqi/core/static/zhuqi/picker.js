// The shared search picker (core/picker.html): the box asks the server as the user types, a
// click on an answer puts its id in the form as a hidden input (a chip), × takes it out. One
// value or several; a one-value picker always sends its field, empty when nothing is picked.
(function () {
  "use strict";

  var timers = new WeakMap();
  var asked = new WeakMap();

  // For element text and quoted attribute values alike: a text node's innerHTML leaves quotes
  // as they are, and a name with a " in it would end the attribute it is put in.
  function escapeText(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function optionsOf(picker) { return picker.querySelector("[data-picker-options]"); }

  function load(picker, query) {
    var serial = (asked.get(picker) || 0) + 1;
    asked.set(picker, serial);
    var url = picker.getAttribute("data-url") + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        // Answers arriving out of order: only the latest question's are shown.
        if (asked.get(picker) === serial) optionsOf(picker).innerHTML = html;
      });
  }

  function emptyHidden(picker) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = picker.getAttribute("data-name");
    input.value = "";
    return input;
  }

  function pick(picker, value, label) {
    var chips = picker.querySelector("[data-picker-chips]");
    if (chips.querySelector('[data-picker-chip="' + CSS.escape(value) + '"]')) return;
    if (!picker.hasAttribute("data-multiple")) chips.innerHTML = "";
    var chip = document.createElement("span");
    chip.className = "chip";
    chip.setAttribute("data-picker-chip", value);
    chip.innerHTML = '<input type="hidden" name="' + escapeText(picker.getAttribute("data-name")) +
      '" value="' + escapeText(value) + '">' + escapeText(label) +
      '<button type="button" class="link" data-picker-remove aria-label="×">×</button>';
    chips.appendChild(chip);
    picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
  }

  function closeAll(except) {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (picker !== except) optionsOf(picker).innerHTML = "";
    });
  }

  document.addEventListener("input", function (event) {
    var search = event.target;
    if (!(search instanceof Element) || !search.matches("[data-picker-search]")) return;
    var picker = search.closest("[data-picker]");
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(function () { load(picker, search.value); }, 250));
  });

  // Opening the box shows the first answers (a region picker shows the jurisdiction's tree top).
  document.addEventListener("focusin", function (event) {
    var search = event.target;
    if (!(search instanceof Element) || !search.matches("[data-picker-search]")) return;
    var picker = search.closest("[data-picker]");
    closeAll(picker);
    if (!optionsOf(picker).innerHTML) load(picker, search.value);
  });

  document.addEventListener("keydown", function (event) {
    var search = event.target;
    if (!(search instanceof Element) || !search.matches("[data-picker-search]")) return;
    var picker = search.closest("[data-picker]");
    if (event.key === "Enter") {
      // Enter in the box picks the first answer; it never submits the form half-filled.
      event.preventDefault();
      var first = optionsOf(picker).querySelector("[data-picker-option]");
      if (first) first.click();
    } else if (event.key === "Escape") {
      optionsOf(picker).innerHTML = "";
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var option = target.closest("[data-picker-option]");
    if (option) {
      var picker = option.closest("[data-picker]");
      pick(picker, option.getAttribute("data-value"), option.getAttribute("data-label"));
      optionsOf(picker).innerHTML = "";
      var search = picker.querySelector("[data-picker-search]");
      search.value = "";
      if (picker.hasAttribute("data-multiple")) search.focus();
      return;
    }
    if (target.matches("[data-picker-remove]")) {
      var owner = target.closest("[data-picker]");
      var chips = target.closest("[data-picker-chips]");
      target.closest(".chip").remove();
      if (!owner.hasAttribute("data-multiple") && !chips.querySelector("input")) {
        chips.appendChild(emptyHidden(owner));
      }
      owner.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
      return;
    }
    if (!target.closest("[data-picker]")) closeAll(null);
  });
})();
