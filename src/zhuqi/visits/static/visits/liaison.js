// The quick log: "再加一条诉求" copies the last demand row, emptied. (Rows stay visible when 无问题
// is ticked: a record cannot be both, and the page says so rather than hiding what was typed.)
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-testid=liaison-log-form]");
  if (!form) return;
  const list = form.querySelector("[data-testid=demand-rows]");
  form.querySelector("[data-testid=add-demand]").addEventListener("click", () => {
    const rows = list.querySelectorAll("[data-testid=demand-row]");
    const copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach((el) => { el.value = ""; });
    copy.querySelectorAll("select").forEach((el) => { el.selectedIndex = 0; });
    list.appendChild(copy);
    copy.querySelector("input").focus();
  });
});
