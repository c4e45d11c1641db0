// Keyboard grading: j/k answer, n/p group, 0-9 points for the current group (submits),
// a, b, ... rubric entries of the current group, s splits the current answer out.
"use strict";
(function () {
  const groups = Array.from(document.querySelectorAll("[data-group]"));
  if (!groups.length) return;
  let g = Math.max(0, groups.findIndex((el) => "#" + el.id === location.hash));
  let a = 0;
  const answers = () => Array.from(groups[g].querySelectorAll("[data-answer]"));
  function show() {
    document.querySelectorAll(".current[data-group], .current[data-answer]").forEach((el) => el.classList.remove("current"));
    groups[g].classList.add("current");
    const list = answers();
    a = Math.min(a, list.length - 1);
    if (list[a]) list[a].classList.add("current");
    (list[a] || groups[g]).scrollIntoView({ block: "nearest" });
  }
  function move(step) { g = Math.min(groups.length - 1, Math.max(0, g + step)); a = 0; groups[g].scrollIntoView({ block: "start" }); show(); }
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, textarea, select") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const form = groups[g].querySelector("[data-decide]");
    if (ev.key === "n") move(1);
    else if (ev.key === "p") move(-1);
    else if (ev.key === "j" || ev.key === "k") {
      const list = answers();
      a += ev.key === "j" ? 1 : -1;
      if (a >= list.length) { move(1); return; }
      if (a < 0) { move(-1); return; }
      show();
    } else if (/^[0-9]$/.test(ev.key)) {
      form.querySelector("[data-points]").value = ev.key;
      form.requestSubmit();
    } else if (ev.key === "s") {
      const split = answers()[a] && answers()[a].querySelector("[data-split]");
      if (split) split.click();
    } else {
      const entry = form.querySelector(`button[data-key="${ev.key}"]`);
      if (entry) entry.click(); else return;
    }
    ev.preventDefault();
  });
  show();
})();
