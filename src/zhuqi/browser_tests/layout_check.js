// Runs in the page (test_layout.py): the problems a person would see, as short sentences.
() => {
  const view = document.documentElement.clientWidth;
  const problems = [];
  const name = (el) => {
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""}> "${text}"`;
  };
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") return up;
    }
    return null;
  };
  if (document.documentElement.scrollWidth > view) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${view}px window`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const scroller = scrolls(el);
    // Inside a deliberate scroller (a wide table's wrapper) only the scroller must fit.
    const limit = scroller ? Math.min(view, scroller.getBoundingClientRect().right) : view;
    if (!scroller && box.right > limit + 1) problems.push(`${name(el)} reaches ${Math.round(box.right)}px`);
    if (["INPUT", "SELECT", "TEXTAREA", "CANVAS", "svg"].includes(el.tagName)) continue;
    const clips = ["hidden", "clip"].includes(style.overflowX) || ["hidden", "clip"].includes(style.overflow);
    if (clips && el.scrollWidth > el.clientWidth + 1 && !(style.textOverflow === "ellipsis" && el.title)) {
      problems.push(`${name(el)} is cut off (${el.scrollWidth}px of text in ${el.clientWidth}px)`);
    }
  }
  // Nothing sticks out of its card (a USCC, a version line).
  for (const card of document.querySelectorAll("main .card, main article, main dl")) {
    const edge = card.getBoundingClientRect().right;
    for (const el of card.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      const scroller = scrolls(el);
      if (scroller && card.contains(scroller)) continue;
      if (box.width > 0 && box.right > edge + 1) {
        problems.push(`${name(el)} sticks out of ${name(card)} by ${Math.round(box.right - edge)}px`);
      }
    }
  }
  // A label and its value side by side, or the value under its label; never the value on the
  // next row at the other end of the page.
  for (const term of document.querySelectorAll("main dt")) {
    const value = term.nextElementSibling;
    if (!value || value.tagName !== "DD") continue;
    const t = term.getBoundingClientRect(), v = value.getBoundingClientRect();
    if (t.width === 0 || v.width === 0) continue;
    const beside = v.left >= t.right - 1 && Math.abs(v.top - t.top) < 4;
    const under = v.top >= t.bottom - 1 && Math.abs(v.left - t.left) < 4;
    if (!beside && !under) problems.push(`the value of "${term.innerText.trim()}" is neither beside nor under it`);
  }
  // A short word stacked one character per line (走 / 访).
  const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = words.nextNode(); node; node = words.nextNode()) {
    const word = node.textContent.trim();
    if (word.length < 2 || word.length > 12 || !node.parentElement || node.parentElement.closest("script, style, option, select")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (tops.size >= 2 && tops.size >= [...word].length) problems.push(`"${word}" is stacked one character per line`);
  }
  // A date or time broken over two lines ("2026-11-" / "29").
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // A line may break between a date and its time, never inside either.
  const moment = /\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.closest("script, style, textarea, option, select")) continue;
    for (const match of node.textContent.matchAll(moment)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`"${match[0]}" is broken over two lines in ${name(node.parentElement)}`);
    }
  }
  // Figures in tables and tiles: thousands separators.
  for (const el of document.querySelectorAll("td.num, td.number, th.number, .stat, .tile strong")) {
    if (/\d{4,}/.test(el.innerText.replace(/\d{4}-\d{2}(-\d{2})?/g, ""))) problems.push(`${name(el)} has no thousands separators`);
  }
  const text = document.body.innerText;
  for (const raw of text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[^\s]*/g) || []) problems.push(`raw timestamp ${raw}`);
  if (text.includes("∅")) problems.push("raw empty value ∅");
  return problems;
}
